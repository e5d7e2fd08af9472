import type { HTMLAttributes, ReactNode, TdHTMLAttributes, ThHTMLAttributes } from "react";

/**
 * A data table: a real <table> whose <caption> names it (for screen readers, and for tests'
 * getByRole("table", { name })), scrolling sideways inside its box on narrow screens.
 * The caption is visually hidden unless `showCaption`; headers go in `head` as <HeaderCell>s.
 */
export function Table({
  caption,
  showCaption = false,
  head,
  children,
  className = "",
  keyboardScroll = false,
}: {
  caption: string;
  showCaption?: boolean;
  head: ReactNode;
  children: ReactNode;
  /** Classes of the scrolling box (borders between stacked tables). */
  className?: string;
  /** For a table wider than a phone: its scrolling box is a named region in the tab order, so keyboard users can scroll it. */
  keyboardScroll?: boolean;
}) {
  const scroll = keyboardScroll ? { role: "region", "aria-label": caption, tabIndex: 0 } : {};
  return (
    <div className={`overflow-x-auto ${className}`.trim()} {...scroll}>
      <table className="w-full text-sm">
        <caption className={showCaption ? "px-3 py-2 text-left text-slate-600" : "sr-only"}>{caption}</caption>
        <thead className="bg-slate-50 text-left">
          <tr>{head}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A column header. */
export function HeaderCell({ children, className = "", ...rest }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th scope="col" className={`px-3 py-2 ${className}`.trim()} {...rest}>
      {children}
    </th>
  );
}

/** A body row, ruled off from the one above. */
export function Row({ children, className = "", ...rest }: HTMLAttributes<HTMLTableRowElement>) {
  return (
    <tr className={`border-t border-slate-100 ${className}`.trim()} {...rest}>
      {children}
    </tr>
  );
}

/** A row's header: the cell that names the row. */
export function RowHeader({ children, className = "", ...rest }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th scope="row" className={`px-3 py-2 text-left font-medium ${className}`.trim()} {...rest}>
      {children}
    </th>
  );
}

export function Cell({ children, className = "", ...rest }: TdHTMLAttributes<HTMLTableCellElement>) {
  return (
    <td className={`px-3 py-2 ${className}`.trim()} {...rest}>
      {children}
    </td>
  );
}
