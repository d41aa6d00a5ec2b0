/**
 * Calendar days in a person's time zone, with nothing but Intl: "due today"
 * means today where the person is, not in UTC.
 */

/** Whether `timeZone` is an IANA name this runtime knows (Europe/Berlin, UTC, …). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at `instant`, in milliseconds (Berlin in summer: +2 h). */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(instant)
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>;
  const wall = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return wall - (instant.getTime() - instant.getMilliseconds());
}

/** The instant at which the wall-clock time y-m-d h:m (month 1–12) happens in `timeZone`. */
export function zonedInstant(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millisecond = 0,
): Date {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  // The offset at the guess is right except within an hour of a DST change; a second pass settles it.
  const first = asUtc - zoneOffsetMs(new Date(asUtc), timeZone);
  return new Date(asUtc - zoneOffsetMs(new Date(first), timeZone));
}

/** The calendar date (year, month 1–12, day, weekday 0 = Sunday) of `instant` in `timeZone`. */
export function zonedDate(instant: Date, timeZone: string) {
  const shifted = new Date(instant.getTime() + zoneOffsetMs(instant, timeZone));
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    weekday: shifted.getUTCDay(),
  };
}

/** Midnight at the start of the day `daysFromToday` days after the one `now` falls on, in `timeZone`. */
export function startOfDay(now: Date, timeZone: string, daysFromToday = 0): Date {
  const today = zonedDate(now, timeZone);
  const target = new Date(Date.UTC(today.year, today.month - 1, today.day + daysFromToday));
  return zonedInstant(timeZone, target.getUTCFullYear(), target.getUTCMonth() + 1, target.getUTCDate());
}
