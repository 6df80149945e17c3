package record

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"vme50-tui/cgroup"
)

// File is a recording to a file, as `run --record` and the TUI's
// "Record to" make it: created (or emptied), started with its header
// when the container starts, one row per reading, closed at the end. A write error stops it and is told once,
// naming the file.
type File struct {
	f        *os.File
	rec      *Recorder
	reported bool
}

// Create creates (or empties) path, so that a file that cannot be
// written is found before anything starts. Start writes the header.
func Create(path string) (*File, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &File{f: f}, nil
}

// Start writes the header; rows count time from start, the container's.
func (f *File) Start(start time.Time) { f.rec = New(f.f, start) }

// Remove removes a recording that never started (the container did not).
func (f *File) Remove() error {
	f.f.Close()
	return os.Remove(f.Name())
}

// Name is the file's path.
func (f *File) Name() string { return f.f.Name() }

// Write adds one reading and the events since the row before. It returns
// the first write error, once; after it nothing more is written.
func (f *File) Write(st cgroup.Stats, events ...Event) error {
	f.rec.Write(st, events...)
	return f.firstError()
}

// Close ends the recording: the first write error not told yet, or the
// close's.
func (f *File) Close() error {
	if f.rec == nil {
		f.Start(time.Now()) // a recording of no reading is the header alone
	}
	if err := f.f.Close(); err != nil && f.rec.Err() == nil {
		return fmt.Errorf("recording to %s: %w", f.Name(), err)
	}
	return f.firstError()
}

func (f *File) firstError() error {
	if err := f.rec.Err(); err != nil && !f.reported {
		f.reported = true
		return fmt.Errorf("recording to %s: %w", f.Name(), err)
	}
	return nil
}

// FreePath is path, or, when that exists, the first of path-2.csv,
// path-3.csv, ... that does not: a restarted container records anew and
// keeps the last run's file.
func FreePath(path string) string {
	ext := filepath.Ext(path)
	base := strings.TrimSuffix(path, ext)
	for n := 1; ; n++ {
		p := path
		if n > 1 {
			p = fmt.Sprintf("%s-%d%s", base, n, ext)
		}
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			return p
		}
	}
}
