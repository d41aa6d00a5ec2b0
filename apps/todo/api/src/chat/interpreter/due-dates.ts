import { zonedDate, zonedInstant } from '@berth/service-kit';

/**
 * Due dates as people say them: "today", "tomorrow", "next friday", "in 3
 * days", "on 2030-01-31", "jan 31st", "31 january", with an optional time
 * ("at 5pm", "at 17:30", "noon"). A date without a time is due at the end of
 * that day (23:59) in the person's time zone: "due friday" is not overdue
 * until Friday is over. A bare weekday means the next one after today;
 * "this friday" may be today.
 */

export interface FoundDate {
  due: Date;
  /** The words that said it, to take out of a task title. */
  phrase: string;
  /** A time said apart from the day ("at 5pm tomorrow"), also to take out. */
  timePhrase?: string;
}

// A time said on its own: "at 5pm", "at 17:30", "by 9am".
const LONE_TIME = /(?:^|\s)(?:at|by|@)\s*(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b|(?:^|\s)(?:at|by|@)\s*(\d{1,2}):(\d{2})\b/;

function loneTime(text: string): { hour: number; minute: number; phrase: string } | undefined {
  const match = LONE_TIME.exec(text.toLowerCase());
  if (match === null) return undefined;
  const time = match[1] !== undefined ? timeOf(match[1], match[2], match[3]) : timeOf(match[4], match[5]);
  if (time === null) return undefined;
  return { hour: time[0], minute: time[1], phrase: text.slice(match.index, match.index + match[0].length).trim() };
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const WEEKDAY_PATTERN = '(sun|mon|tue|tues|wed|thu|thur|thurs|fri|sat)(?:day|sday|nesday|rsday|urday)?';
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_PATTERN =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const TIME_PATTERN =
  '(?:\\s+(?:at|by|@)\\s*(\\d{1,2})(?::(\\d{2}))?\\s*(am|pm)?|\\s+(?:at\\s+|by\\s+)?(noon|midnight|tonight))?';
const LEAD = '(?:^|\\s)(?:(?:due|by|on|for|until)\\s+)?';

interface Day {
  year: number;
  month: number;
  day: number;
}

function addDays(from: Day, days: number): Day {
  const date = new Date(Date.UTC(from.year, from.month - 1, from.day + days));
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

function weekdayIndex(word: string): number {
  return WEEKDAYS.findIndex((name) => name.startsWith(word.slice(0, 3)));
}

/** Hour and minute from the time words; end of day when none were given. */
function timeOf(hourText?: string, minuteText?: string, meridiem?: string, named?: string): [number, number] | null {
  if (named === 'noon') return [12, 0];
  if (named === 'midnight') return [23, 59];
  if (named === 'tonight') return [20, 0];
  if (hourText === undefined) return [23, 59];
  let hour = Number(hourText);
  const minute = minuteText === undefined ? 0 : Number(minuteText);
  if (minute > 59 || hour > 23 || (meridiem !== undefined && (hour < 1 || hour > 12))) return null;
  if (meridiem === 'pm' && hour < 12) hour += 12;
  if (meridiem === 'am' && hour === 12) hour = 0;
  return [hour, minute];
}

export function findDueDate(text: string, now: Date, timeZone: string): FoundDate | undefined {
  const lower = text.toLowerCase();
  const today = zonedDate(now, timeZone);
  const todayDay: Day = today;
  const candidates: { pattern: RegExp; day: (match: RegExpExecArray) => Day | undefined }[] = [
    { pattern: new RegExp(`${LEAD}(today|tonight)`), day: () => todayDay },
    { pattern: new RegExp(`${LEAD}(?:the\\s+)?day after tomorrow`), day: () => addDays(todayDay, 2) },
    { pattern: new RegExp(`${LEAD}(tomorrow|tmrw|tmr)`), day: () => addDays(todayDay, 1) },
    {
      pattern: new RegExp(`${LEAD}in\\s+(\\d{1,3}|a|one|two|three|four|five|six|seven)\\s+(day|week)s?`),
      day: (m) => {
        const words: Record<string, number> = { a: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7 };
        const count = words[m[1] ?? ''] ?? Number(m[1]);
        return addDays(todayDay, count * (m[2] === 'week' ? 7 : 1));
      },
    },
    {
      pattern: new RegExp(`${LEAD}next\\s+week`),
      day: () => addDays(todayDay, (1 - today.weekday + 7) % 7 || 7),
    },
    {
      pattern: new RegExp(`${LEAD}(this\\s+|next\\s+|coming\\s+)?${WEEKDAY_PATTERN}\\b`),
      day: (m) => {
        const target = weekdayIndex(m[2] ?? '');
        if (target < 0) return undefined;
        let ahead = (target - today.weekday + 7) % 7;
        if (ahead === 0 && !(m[1] ?? '').startsWith('this')) ahead = 7;
        return addDays(todayDay, ahead);
      },
    },
    {
      pattern: /(?:^|\s)(?:(?:due|by|on|for|until)\s+)?(\d{4})-(\d{2})-(\d{2})\b/,
      day: (m) => ({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }),
    },
    {
      pattern: new RegExp(`${LEAD}${MONTH_PATTERN}\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?\\b`),
      day: (m) => monthDay(todayDay, m[1] ?? '', Number(m[2]), m[3]),
    },
    {
      pattern: new RegExp(
        `${LEAD}(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH_PATTERN}(?:,?\\s+(\\d{4}))?\\b`,
      ),
      day: (m) => monthDay(todayDay, m[2] ?? '', Number(m[1]), m[3]),
    },
  ];
  for (const { pattern, day } of candidates) {
    const withTime = new RegExp(pattern.source + TIME_PATTERN, pattern.flags);
    const match = withTime.exec(lower);
    if (match === null) continue;
    const found = day(match);
    if (found === undefined || !validDay(found)) continue;
    // The time's four groups come last: hour, minute, am/pm, a named time.
    const [hour, minute, meridiem, namedTime] = match.slice(-4);
    const named = namedTime ?? (/tonight/.test(match[0]) ? 'tonight' : undefined);
    const time = timeOf(hour, minute, meridiem, named);
    if (time === null) continue;
    const phrase = text.slice(match.index, match.index + match[0].length).trim();
    const hasTime = match.slice(-4).some((group) => group !== undefined);
    const apart = hasTime ? undefined : loneTime(text.replace(phrase, ' '));
    if (apart !== undefined) {
      return {
        due: zonedInstant(timeZone, found.year, found.month, found.day, apart.hour, apart.minute),
        phrase,
        timePhrase: apart.phrase,
      };
    }
    return { due: zonedInstant(timeZone, found.year, found.month, found.day, time[0], time[1]), phrase };
  }
  // Only a time: today at that time, or tomorrow when it has passed.
  const apart = loneTime(text);
  if (apart === undefined) return undefined;
  let due = zonedInstant(timeZone, today.year, today.month, today.day, apart.hour, apart.minute);
  if (due.getTime() <= now.getTime()) {
    const next = addDays(todayDay, 1);
    due = zonedInstant(timeZone, next.year, next.month, next.day, apart.hour, apart.minute);
  }
  return { due, phrase: apart.phrase };
}

function monthDay(today: Day, monthWord: string, day: number, yearText?: string): Day | undefined {
  const month = MONTHS.indexOf(monthWord.slice(0, 3)) + 1;
  if (month === 0) return undefined;
  if (yearText !== undefined) return { year: Number(yearText), month, day };
  // Without a year: the next time that date comes round (today counts).
  const thisYear = { year: today.year, month, day };
  const passed = month < today.month || (month === today.month && day < today.day);
  return passed ? { ...thisYear, year: today.year + 1 } : thisYear;
}

function validDay({ year, month, day }: Day): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && year >= 1900 && year <= 9999;
}
