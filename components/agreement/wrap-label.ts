/**
 * Splits a model name into lines of at most `maxChars` characters, breaking after "-", "/", "_",
 * "." or a space where possible and inside a long part only when it must. No character is lost:
 * the lines joined give the name back.
 */
export function wrapLabel(name: string, maxChars: number): string[] {
  const parts = name.match(/[^-/_. ]+[-/_. ]*|[-/_. ]+/g) ?? [name];
  const lines: string[] = [];
  let line = "";
  for (let part of parts) {
    while (part.length > maxChars) {
      if (line) {
        lines.push(line);
        line = "";
      }
      lines.push(part.slice(0, maxChars));
      part = part.slice(maxChars);
    }
    if (line.length + part.length > maxChars) {
      lines.push(line);
      line = part;
    } else line += part;
  }
  if (line) lines.push(line);
  return lines;
}

/** Width in px that `text` needs at a 12 px sans-serif font, erring wide (capitals, digits). */
export const labelWidth = (text: string) => Math.ceil(text.length * 7.4) + 8;
