/** Number and colour formatting for the terminal report. */

/** True when colour may be used on this stream: a terminal, and NO_COLOR unset (https://no-color.org). */
export function colourEnabled(stream: NodeJS.WriteStream): boolean {
  const noColor = process.env.NO_COLOR;
  if (noColor !== undefined && noColor !== "") return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true;
}

export interface Paint {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

export function paint(enabled: boolean): Paint {
  if (!enabled) {
    const id = (s: string) => s;
    return { red: id, yellow: id, green: id, bold: id, dim: id };
  }
  return { red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
}

export { quantity } from "../components/model/remedies";

/** Utilisation as a percentage with one decimal; "∞" for a zero limit that is used. */
export function percent(utilisation: number): string {
  return Number.isFinite(utilisation) ? `${(utilisation * 100).toFixed(1)} %` : "∞ %";
}

