// Small text helpers for the views.
export function ageText(when: Date, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - when.getTime()) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function durationText(startIso?: string, endIso?: string): string {
  if (!startIso) return '';
  const ms = (endIso ? Date.parse(endIso) : Date.now()) - Date.parse(startIso);
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

let displayLocale: { asked?: string; resolved?: string | null } = {};

/**
 * Sets the locale dateText formats in: VS Code's display language (`vscode.env.language`, set at activation). Checked
 * on the first date formatted (the first use of Intl loads the ICU data: not at activation); an unknown tag falls back
 * to the process's locale.
 */
export function setDisplayLocale(locale: string | undefined): void {
  displayLocale = { asked: locale };
}

function locale(): string | undefined {
  if (displayLocale.resolved === undefined) {
    try {
      displayLocale.resolved = displayLocale.asked
        ? (Intl.DateTimeFormat.supportedLocalesOf([displayLocale.asked])[0] ?? null)
        : null;
    } catch {
      displayLocale.resolved = null;
    }
  }
  return displayLocale.resolved ?? undefined;
}

/**
 * The one date format of the views, pickers, confirmations, notifications and job logs: date and time in the user's
 * locale (setDisplayLocale). An unparsable input is returned as it is.
 */
export function dateText(iso: string | Date): string {
  const d = iso instanceof Date ? iso : new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString(locale());
}
