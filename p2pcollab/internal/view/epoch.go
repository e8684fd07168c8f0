package view

import "math"

// NextEpoch returns the epoch a publisher starts with, given the last
// epoch it persisted and the current time: the later of now (in Unix
// nanoseconds) and last+1. Persisting the result before publishing keeps
// epochs growing across restarts even if the clock steps back; taking the
// time keeps them growing, in practice, even if the persisted value is
// lost with the disk. An epoch is never 0.
func NextEpoch(last uint64, nowUnixNano int64) uint64 {
	if last == math.MaxUint64 {
		return last // 500 years of nanoseconds away; nothing larger exists
	}
	next := last + 1
	if nowUnixNano > 0 && uint64(nowUnixNano) > next {
		next = uint64(nowUnixNano)
	}
	return next
}
