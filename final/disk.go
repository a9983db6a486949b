package main

import (
	"errors"
	"fmt"
	"sync"
	"syscall"
	"time"
)

// The disk is shared by every session, and a camera never stops: a server
// left running fills it. Before each write, the recorder and the
// photographer take the bytes from a budget: the run's cap
// (max_output_bytes) and the free space the disk must keep (disk_reserve,
// read with statfs(2) at most once a second). Past either, files are no
// longer written; the sessions go on, and their pages are told why.

var (
	errOutputCap = errors.New("the output cap of this run is reached (max_output_bytes)")
	errDiskFull  = errors.New("the disk is almost full (disk_reserve)")
)

// budget counts the bytes written to the output folder. Safe for the
// recorder's goroutine and the JPEG workers at once.
type budget struct {
	dir     string
	max     int64 // 0: no cap
	reserve int64 // free bytes to leave

	mu      sync.Mutex
	used    int64     // bytes taken this run
	free    int64     // free bytes at the last statfs, less what was taken since; -1 if unknown
	checked time.Time // when statfs last ran
	statfs  func(dir string) (int64, error)
}

func newBudget(dir string, max, reserve int64) *budget {
	return &budget{dir: dir, max: max, reserve: reserve, free: -1, statfs: freeBytes}
}

// take reserves n bytes for a write, or says why it may not happen.
func (b *budget) take(n int) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.max > 0 && b.used+int64(n) > b.max {
		return errOutputCap
	}
	if b.reserve > 0 {
		if now := time.Now(); now.Sub(b.checked) >= time.Second || b.free < b.reserve+int64(n) {
			if free, err := b.statfs(b.dir); err == nil {
				b.free, b.checked = free, now
			}
		}
		if b.free >= 0 && b.free-int64(n) < b.reserve {
			return errDiskFull
		}
		b.free -= int64(n)
	}
	b.used += int64(n)
	return nil
}

// Used is how many bytes this run has written.
func (b *budget) Used() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}

// freeBytes is the space an unprivileged process may still use on dir's disk.
func freeBytes(dir string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", dir, err)
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}
