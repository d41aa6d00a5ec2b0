import { findDueDate } from './due-dates.ts';

/**
 * What a plain-English message asks for, decided by patterns alone (no
 * model): the offline brain's understanding. Anything it cannot place is
 * `unknown`, and the assistant says so instead of guessing.
 */

export type Priority = 'low' | 'medium' | 'high';

/** Which task a message means: its number (#id), its words, or the one just talked about. */
export type TaskRef = { kind: 'id'; id: number } | { kind: 'text'; text: string } | { kind: 'last' };

export interface NewTask {
  title: string;
  priority?: Priority;
  due_at?: string;
  tags?: string[];
}

export interface ListFilter {
  status?: 'all' | 'pending' | 'completed';
  priority?: Priority;
  tag?: string;
  q?: string;
  due_before?: string;
  due_after?: string;
  /** How the answer names the list ("due today", "tagged work"). */
  label?: string;
}

export type Intent =
  | { kind: 'help' }
  | { kind: 'greeting' }
  | { kind: 'thanks' }
  | { kind: 'add'; task: NewTask }
  | { kind: 'list'; filter: ListFilter }
  | { kind: 'overdue' }
  | { kind: 'summary' }
  | { kind: 'complete'; ref: TaskRef }
  | { kind: 'reopen'; ref: TaskRef }
  | { kind: 'rename'; ref: TaskRef; title: string }
  | { kind: 'delete'; ref: TaskRef }
  | { kind: 'set-priority'; ref: TaskRef; priority: Priority }
  | { kind: 'set-due'; ref: TaskRef; due_at: string | null }
  | { kind: 'unknown' };

const PRIORITY_WORDS: [RegExp, Priority][] = [
  [
    /(?:^|[\s,])(?:with\s+)?(?:a\s+)?(?:high|top)[\s-]+priority\b|\bpriority\s*[:=]?\s*high\b|(?:^|\s)!high\b|\burgent(?:ly)?\b|\bimportant\b|\basap\b/,
    'high',
  ],
  [
    /(?:^|[\s,])(?:with\s+)?(?:a\s+)?low[\s-]+priority\b|\bpriority\s*[:=]?\s*low\b|(?:^|\s)!low\b|\bnot urgent\b|\bwhenever\b/,
    'low',
  ],
  [
    /(?:^|[\s,])(?:with\s+)?(?:a\s+)?(?:medium|normal)[\s-]+priority\b|\bpriority\s*[:=]?\s*(?:medium|normal)\b/,
    'medium',
  ],
];

const TASK_NOUNS = '(?:tasks?|todos?|to-dos?|items?|things?|list)';

/** Strips the words a person wraps a reference in: "the", "task", quotes. */
function cleanReference(text: string): string {
  return text
    .trim()
    .replace(/^(?:the\s+)?(?:task|todo|to-do|item|one)\s+(?:called\s+|named\s+)?/i, '')
    .replace(/^(?:the|my)\s+/i, '')
    .replace(/\s+(?:task|todo|to-do|item)$/i, '')
    .replace(/\s+(?:as\s+)?(?:done|complete|completed|finished)$/i, '')
    .replace(/^["'“‘](.*)["'”’]$/, '$1')
    .replace(/[.!?]+$/, '')
    .trim();
}

export function parseReference(text: string): TaskRef | undefined {
  const cleaned = cleanReference(text);
  const number = /^(?:#|no\.?\s*|number\s+|task\s+)?(\d{1,10})$/i.exec(cleaned);
  if (number) return { kind: 'id', id: Number(number[1]) };
  if (/^(?:it|that|this|that one|this one|the last one|last one)$/i.test(cleaned)) return { kind: 'last' };
  if (cleaned === '') return undefined;
  return { kind: 'text', text: cleaned };
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The task described after "add …": its due date, priority and tags taken out of the title. */
export function parseNewTask(text: string, now: Date, timeZone: string): NewTask | undefined {
  let rest = ` ${text} `;
  const task: Partial<NewTask> = {};
  const due = findDueDate(rest, now, timeZone);
  if (due) {
    task.due_at = due.due.toISOString();
    rest = rest.replace(due.phrase, ' ');
    if (due.timePhrase !== undefined) rest = rest.replace(due.timePhrase, ' ');
  }
  for (const [pattern, priority] of PRIORITY_WORDS) {
    if (pattern.test(rest.toLowerCase())) {
      task.priority = priority;
      rest = rest.replace(new RegExp(pattern.source, 'i'), ' ');
      break;
    }
  }
  const tags: string[] = [];
  rest = rest.replace(/(?:^|\s)#([\p{L}\p{N}_-]{1,50})/gu, (_all, tag: string) => {
    tags.push(tag.toLowerCase());
    return ' ';
  });
  rest = rest.replace(
    /[\s,]+(?:and\s+)?(?:tag(?:ged)?|label(?:led)?)(?:\s+(?:it|as|with))?\s+([\p{L}\p{N}_-]+(?:\s*(?:,|and)\s*[\p{L}\p{N}_-]+)*)/iu,
    (_all, list: string) => {
      tags.push(
        ...list
          .split(/\s*(?:,|\band\b)\s*/)
          .map((tag) => tag.trim().toLowerCase())
          .filter(Boolean),
      );
      return ' ';
    },
  );
  if (tags.length > 0) task.tags = [...new Set(tags)];
  const title = rest
    .replace(/^\s*(?:a\s+)?(?:new\s+)?(?:task|todo|to-do|reminder)(?:\s*:|\s+(?:to|called|named|for))?\s+/i, ' ')
    .replace(/\s+(?:to|on|in)\s+(?:my|the)\s+(?:todo\s+|to-do\s+|task\s+)?list\b/i, ' ')
    .replace(/\s+,/g, ',')
    .replace(/\s{2,}/g, ' ')
    .trim()
    .replace(/^["'“‘](.*)["'”’]$/, '$1')
    .replace(/(?:[\s,;:.!-]|\band\b|\bwith\b|\bdue\b|\bby\b|\bon\b)+$/i, '')
    .replace(/^[\s,;:-]+/, '')
    .trim();
  if (title === '') return undefined;
  return { ...task, title: capitalized(title) };
}

function listFilter(text: string, now: Date, timeZone: string): ListFilter {
  const lower = ` ${text.toLowerCase()} `;
  const filter: ListFilter = {};
  const labels: string[] = [];
  if (/\b(?:completed|done|finished|closed)\b/.test(lower)) {
    filter.status = 'completed';
    labels.push('completed');
  } else if (/\b(?:pending|open|incomplete|unfinished|remaining|left|outstanding|not done|to do)\b/.test(lower)) {
    filter.status = 'pending';
    labels.push('pending');
  }
  for (const [pattern, priority] of PRIORITY_WORDS) {
    if (pattern.test(lower)) {
      filter.priority = priority;
      labels.push(`${priority} priority`);
      break;
    }
  }
  const tag = /(?:#|\btagged\s+(?:with\s+|as\s+)?|\btag\s+|\blabel(?:led)?\s+)([\p{L}\p{N}_-]{1,50})/u.exec(lower);
  if (tag?.[1]) {
    filter.tag = tag[1];
    labels.push(`tagged ${tag[1]}`);
  }
  const about =
    /\b(?:about|containing|mentioning|matching|with the word|that (?:say|mention)s?)\s+["'“]?([^"'”]+?)["'”]?\s*[?.!]?\s*$/.exec(
      lower,
    );
  if (about?.[1]) {
    filter.q = about[1].trim();
    labels.push(`matching "${filter.q}"`);
  }
  const dueWords = /\bdue\s+(.+?)\s*[?.!]?\s*$/.exec(lower);
  if (dueWords?.[1]) {
    if (/^this week|^in the next week|^soon/.test(dueWords[1])) {
      filter.due_after = now.toISOString();
      filter.due_before = new Date(now.getTime() + 7 * 86_400_000).toISOString();
      labels.push('due this week');
    } else {
      const day = findDueDate(dueWords[1], now, timeZone);
      if (day) {
        // Due on that day: from its midnight (a millisecond before, as due_after is exclusive) to its 23:59.
        const end = day.due.getTime();
        filter.due_before = new Date(end + 60_000).toISOString();
        filter.due_after = new Date(end - (23 * 60 + 59) * 60_000 - 1).toISOString();
        labels.push(`due ${day.phrase}`);
      }
    }
  }
  if (labels.length > 0) filter.label = labels.join(', ');
  return filter;
}

const ADD =
  /^(?:please\s+)?(?:(?:can|could|would)\s+you\s+)?(?:add|create|new|make|put|insert|remember|jot down|note)\b\s*(?:a\s+)?(?:new\s+)?(?:task|todo|to-do|reminder)?\s*(?::|to\b|called\b|named\b|for\b)?\s*(.+)$/i;
const REMIND =
  /^(?:please\s+)?(?:remind me to|i (?:need|have|must|should|got) to|i've got to|i gotta|todo:|to do:)\s+(.+)$/i;

/** Reads one message. `now` and `timeZone` place "tomorrow" on the person's calendar. */
export function parseIntent(message: string, now: Date, timeZone: string): Intent {
  const text = message
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/^(?:hey|ok|okay|so|um|uh)[,!]?\s+/i, '')
    .replace(/^(?:please\s+)/i, '')
    .replace(/(?:,?\s*(?:please|thanks|thank you))+[.!]*$/i, '')
    .trim();
  const lower = text
    .toLowerCase()
    .replace(/[?!.]+$/, '')
    .trim();
  if (lower === '') return { kind: 'unknown' };

  if (
    /^(?:help|commands|\?|what can you do|how does this work|what do you do|how do i use (?:this|you))$/.test(lower)
  ) {
    return { kind: 'help' };
  }
  if (/^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|yo)$/.test(lower)) return { kind: 'greeting' };
  if (/^(?:thanks|thank you|thx|cheers|great|perfect|awesome|nice)$/.test(lower)) return { kind: 'thanks' };

  if (/\b(?:overdue|past due|late)\b/.test(lower) && !ADD.test(text) && !REMIND.test(text)) return { kind: 'overdue' };
  if (
    /^(?:what(?:'s| is)?|what do i have|whats) (?:due|on my plate|coming up|up next)\b|^(?:summary|summarize|summarise|overview|status|agenda)\b|^(?:give me|show me) (?:a |an |my )?(?:summary|overview|agenda)\b|\bwhat(?:'s| is) due\b/.test(
      lower,
    ) &&
    !/\bdue\s+(?:today|tomorrow|this week|on|next|in)\b/.test(lower)
  ) {
    return { kind: 'summary' };
  }

  const rename =
    /^(?:rename|retitle|change (?:the )?(?:title|name) of|change)\s+(.+?)\s+(?:to|into|as)\s+["'“]?(.+?)["'”]?$/i.exec(
      text,
    );
  if (rename?.[1] && rename[2] && !/^(?:high|low|medium|normal)(?: priority)?$/i.test(rename[2])) {
    const ref = parseReference(rename[1]);
    if (ref && !/\b(?:priority|due|date|deadline)\b/i.test(rename[1]))
      return { kind: 'rename', ref, title: rename[2].trim() };
  }

  const reopen =
    /^(?:reopen|re-open|uncomplete|un-complete|undo|unmark|uncheck|restore)\s+(.+)$/i.exec(text) ??
    /^mark\s+(.+?)\s+(?:as\s+)?(?:not done|not complete|not completed|undone|incomplete|pending|open|unfinished|to do)$/i.exec(
      text,
    );
  if (reopen?.[1]) {
    const ref = parseReference(reopen[1]);
    if (ref) return { kind: 'reopen', ref };
  }

  const complete =
    /^(?:complete|finish|finished|close|check off|check|tick off|tick|done(?: with)?|i (?:have |'ve )?(?:finished|completed|done|did)|i'm done with|im done with)\s+(.+)$/i.exec(
      text,
    ) ??
    /^(?:mark|set|flag)\s+(.+?)\s+(?:as\s+)?(?:done|complete|completed|finished)$/i.exec(text) ??
    /^(.+?)\s+is\s+(?:done|finished|complete|completed)$/i.exec(text);
  if (complete?.[1]) {
    const ref = parseReference(complete[1]);
    if (ref) return { kind: 'complete', ref };
  }

  const remove = /^(?:delete|remove|drop|erase|cancel|get rid of|trash|scrap|forget(?: about)?)\s+(.+)$/i.exec(text);
  if (remove?.[1]) {
    if (new RegExp(`^(?:all|every|everything)(?:\\s+(?:my\\s+|the\\s+)?${TASK_NOUNS})?$`, 'i').test(remove[1].trim())) {
      return { kind: 'unknown' };
    }
    const ref = parseReference(remove[1]);
    if (ref) return { kind: 'delete', ref };
  }

  const priority =
    /^(?:set|change)\s+(?:the\s+)?priority\s+(?:of|for|on)\s+(.+?)\s+to\s+(high|low|medium|normal)$/i.exec(text) ??
    /^(?:make|set|mark|change)\s+(.+?)\s+(?:to\s+|as\s+)?(high|low|medium|normal)(?:\s+priority)?$/i.exec(text) ??
    /^(?:prioriti[sz]e)\s+(.+)$/i.exec(text);
  if (priority?.[1]) {
    const ref = parseReference(priority[1]);
    const level = (priority[2] ?? 'high').toLowerCase();
    if (ref) return { kind: 'set-priority', ref, priority: level === 'normal' ? 'medium' : (level as Priority) };
  }

  const reschedule =
    /^(?:move|reschedule|postpone|push|delay|defer|change the due date of|set the due date of|set due date of)\s+(.+?)\s+(?:to|until|till|for)\s+(.+)$/i.exec(
      text,
    ) ?? /^(.+?)\s+is\s+due\s+(.+)$/i.exec(text);
  if (reschedule?.[1] && reschedule[2]) {
    const ref = parseReference(reschedule[1]);
    const noDate = /^(?:no date|no due date|never|someday|nothing)$/i.test(reschedule[2].trim());
    const due = noDate ? undefined : findDueDate(` ${reschedule[2]}`, now, timeZone);
    if (ref && (due || noDate)) return { kind: 'set-due', ref, due_at: due ? due.due.toISOString() : null };
  }

  const remind = REMIND.exec(text);
  const add = ADD.exec(text);
  const addText = remind?.[1] ?? add?.[1];
  if (addText !== undefined) {
    const task = parseNewTask(addText, now, timeZone);
    return task ? { kind: 'add', task } : { kind: 'unknown' };
  }

  const list = new RegExp(
    `^(?:show|list|display|view|see|get|give me|find|search(?: for)?|what(?:'s| is| are)?|which|do i have|any|how many)\\b.*\\b${TASK_NOUNS}\\b|^${TASK_NOUNS}\\b|^(?:show|list|display)\\b|^what(?:'s| is) on my (?:list|plate)|^(?:my|all) ${TASK_NOUNS}|^what(?:'s| is)? due\\b`,
    'i',
  );
  if (list.test(lower)) {
    const filter = listFilter(lower, now, timeZone);
    const search = /^(?:find|search(?: for)?)\s+(?!.*\b(?:tasks?|todos?)\b)(.+)$/i.exec(lower);
    if (search?.[1] && filter.q === undefined) {
      filter.q = search[1].trim();
      filter.label = `matching "${filter.q}"`;
    }
    return { kind: 'list', filter };
  }
  const find = /^(?:find|search(?: for)?|look for)\s+(.+)$/i.exec(lower);
  if (find?.[1]) return { kind: 'list', filter: { q: find[1].trim(), label: `matching "${find[1].trim()}"` } };
  return { kind: 'unknown' };
}
