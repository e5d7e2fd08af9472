/** One turn of a chat: the shape of prompts, candidates and judge requests everywhere in MedPref. */
export type MessageRole = "system" | "user" | "assistant";

export interface Message {
  role: MessageRole;
  content: string;
}
