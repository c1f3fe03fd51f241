/** Words in lines of at most a given width: the terminal's 80 columns, colour codes not counted. */
import { visibleLength } from "./format";

/** Words of `text` in lines of at most `width` columns, the first after `indent`, the others after `rest`. */
export function wrapText(text: string, indent: string, width = 80, rest = " ".repeat(visibleLength(indent))): string[] {
  const out: string[] = [];
  let line = "";
  let lead = indent;
  // A number stays with the word after it ("5.22 MW", "8,000 units"), and "MW IT" stays whole.
  const kept = text.replace(/(\d) (?=\S)/g, "$1\u00a0").replace(/[ \u00a0]→ /g, "\u00a0→\u00a0").replace(/MW IT\b/g, "MW\u00a0IT");
  const words = kept.split(/ +/).map((w) => w.replace(/\u00a0/g, " "));
  for (const word of words) {
    if (line !== "" && visibleLength(lead) + visibleLength(line) + 1 + visibleLength(word) > width) {
      out.push(lead + line);
      lead = rest;
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") out.push(lead + line);
  return out;
}
