// Search, filters and sort for the list. Text fields apply as the person
// types (debounced by the screen); selects apply at once.
import type { Priority, SortOrder, StatusFilter } from '../api/types.ts';

export interface Filters {
  search: string;
  status: StatusFilter;
  priority: Priority | '';
  tag: string;
  sort: SortOrder;
}

export const DEFAULT_FILTERS: Filters = { search: '', status: 'all', priority: '', tag: '', sort: '-created_at' };

export const isFiltered = (filters: Filters) =>
  filters.search.trim() !== '' || filters.status !== 'all' || filters.priority !== '' || filters.tag.trim() !== '';

const SORTS: { value: SortOrder; label: string }[] = [
  { value: '-created_at', label: 'Newest first' },
  { value: 'created_at', label: 'Oldest first' },
  { value: 'due_at', label: 'Due soonest' },
  { value: '-priority', label: 'Highest priority' },
  { value: 'title', label: 'Title A–Z' },
  { value: '-updated_at', label: 'Recently changed' },
];

export function TaskFilters({ filters, onChange }: { filters: Filters; onChange(filters: Filters): void }) {
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => onChange({ ...filters, [key]: value });
  return (
    <search className="filters" aria-label="Find tasks">
      <div className="field field-search">
        <label htmlFor="filter-search">Search</label>
        <input
          id="filter-search"
          type="search"
          dir="auto"
          placeholder="Title or description"
          value={filters.search}
          onChange={(event) => set('search', event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="filter-status">Show</label>
        <select
          id="filter-status"
          value={filters.status}
          onChange={(event) => set('status', event.target.value as StatusFilter)}
        >
          <option value="all">All tasks</option>
          <option value="pending">To do</option>
          <option value="completed">Done</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-priority">Priority</label>
        <select
          id="filter-priority"
          value={filters.priority}
          onChange={(event) => set('priority', event.target.value as Priority | '')}
        >
          <option value="">Any</option>
          <option value="high">High</option>
          <option value="medium">Medium</option>
          <option value="low">Low</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-tag">Tag</label>
        <input
          id="filter-tag"
          dir="auto"
          autoComplete="off"
          value={filters.tag}
          onChange={(event) => set('tag', event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="filter-sort">Sort</label>
        <select
          id="filter-sort"
          value={filters.sort}
          onChange={(event) => set('sort', event.target.value as SortOrder)}
        >
          {SORTS.map((sort) => (
            <option key={sort.value} value={sort.value}>
              {sort.label}
            </option>
          ))}
        </select>
      </div>
      {isFiltered(filters) ? (
        <button
          type="button"
          className="clear-filters"
          onClick={() => onChange({ ...DEFAULT_FILTERS, sort: filters.sort })}
        >
          Clear filters
        </button>
      ) : null}
    </search>
  );
}
