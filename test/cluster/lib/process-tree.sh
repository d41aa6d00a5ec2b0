# shellcheck shell=bash
# Stopping everything a script started. A script that runs its long steps through
# run_interruptible and traps TERM/INT/HUP can be killed (Ctrl-C, a test's timeout) at any
# moment and leave no compiler, builder or half-started component behind.

# run_interruptible cmd...: run cmd and wait for it. Bash runs a trap only after the foreground
# command returns, which for a Kubernetes build is many minutes; `wait` on a background job
# returns as soon as a signal arrives, so the trap runs at once.
run_interruptible() {
  "$@" &
  wait "$!"
}

# descendants <pid>: every process below pid, parents before children.
descendants() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

# stop_descendants <pid>: freeze the whole tree below pid first (a frozen process cannot fork
# a child that would escape the list, and an orphan is no longer found under pid), then
# TERM it, let it go on to handle that, and KILL what is still there after 10 s.
stop_descendants() {
  local root=$1 frozen=() found pid new
  for _ in 1 2 3 4 5; do
    new=0
    for pid in $(descendants "$root"); do
      [[ " ${frozen[*]} " == *" $pid "* ]] && continue
      kill -STOP "$pid" 2>/dev/null && frozen+=("$pid") && new=1
    done
    [ "$new" = 1 ] || break
  done
  [ ${#frozen[@]} -gt 0 ] || return 0
  kill -TERM "${frozen[@]}" 2>/dev/null || true
  kill -CONT "${frozen[@]}" 2>/dev/null || true
  for _ in $(seq 100); do
    found=0
    for pid in "${frozen[@]}"; do kill -0 "$pid" 2>/dev/null && found=1 && break; done
    [ "$found" = 1 ] || return 0
    sleep 0.1
  done
  kill -KILL "${frozen[@]}" 2>/dev/null || true
}
