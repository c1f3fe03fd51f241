/** Number and colour formatting for the terminal and the reports: the same on any machine and locale. */

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

/** Visible width of a string that may hold colour codes. */
export function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return [...s.replace(/\u001b\[\d+m/g, "")].length;
}

/** `1234567.891` with 2 digits → `1,234,567.89`: comma thousands, point decimals, whatever the locale. */
export function grouped(value: number, digits = 0): string {
  const fixed = Math.abs(value).toFixed(digits);
  const [int, frac] = fixed.split(".");
  const withCommas = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const sign = value < 0 && Number(fixed) !== 0 ? "-" : "";
  return `${sign}${withCommas}${frac !== undefined ? `.${frac}` : ""}`;
}

/**
 * A power as readers compare it: budgets in MW (two decimals), a rack's
 * power in kW (one decimal). A value in kW that is not a rack's is shown
 * in MW.
 */
export function power(value: number, unit: "MW" | "kW", kind?: string): string {
  if (unit === "kW" && kind !== "rack") return `${grouped(value / 1000, 2)} MW`;
  return `${grouped(value, unit === "MW" ? 2 : 1)} ${unit}`;
}

export { quantity } from "../components/model/remedies";

/** Utilisation as a percentage with one decimal; "∞" for a zero limit that is used. */
export function percent(utilisation: number): string {
  return Number.isFinite(utilisation) ? `${(utilisation * 100).toFixed(1)} %` : "∞ %";
}
