package engine

import (
	"errors"
	"time"
)

// Window is when a mailbox may send, on its owner's wall clock: from Start
// to End (times of day) on the given weekdays, in Location. End at or
// before Start is a window that crosses midnight (22:00–06:00 opens on
// each listed day and closes the next morning). Times of day are wall
// clock times, so on the days clocks change the window keeps its wall
// clock hours (08:00–18:00 stays 08:00–18:00 local, ten hours or not); a
// Start that falls into a skipped hour opens the window when the clock
// reaches it (02:30 on a spring-forward night opens at 03:30).
type Window struct {
	Location *time.Location
	// Days are the weekdays the window opens on; empty: every day.
	Days []time.Weekday
	// Start and End are durations since midnight (8*time.Hour is 08:00).
	Start, End time.Duration
}

// OfficeHours returns the window Monday to Friday, from start to end
// (hours of the day), in loc.
func OfficeHours(loc *time.Location, start, end int) *Window {
	return &Window{
		Location: loc,
		Days:     []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		Start:    time.Duration(start) * time.Hour, End: time.Duration(end) * time.Hour,
	}
}

func (w *Window) check() error {
	if w.Start < 0 || w.Start >= 24*time.Hour || w.End < 0 || w.End > 24*time.Hour {
		return errors.New("engine: Window Start and End must be times of day")
	}
	return nil
}

func (w *Window) opensOn(d time.Weekday) bool {
	if len(w.Days) == 0 {
		return true
	}
	for _, x := range w.Days {
		if x == d {
			return true
		}
	}
	return false
}

// at returns the wall clock time of day tod on the day of midnight.
func at(midnight time.Time, tod time.Duration, loc *time.Location) time.Time {
	y, m, d := midnight.Date()
	h, mi, s := int(tod/time.Hour), int(tod%time.Hour/time.Minute), int(tod%time.Minute/time.Second)
	return time.Date(y, m, d, h, mi, s, 0, loc)
}

// Next returns the earliest moment at or after t inside the window: t
// itself when the window is open at t. A nil Window is always open.
func (w *Window) Next(t time.Time) time.Time {
	if w == nil {
		return t
	}
	loc := w.Location
	if loc == nil {
		loc = time.UTC
	}
	local := t.In(loc)
	y, m, d := local.Date()
	var best time.Time
	// The window that opened yesterday may still be open (crossing
	// midnight); one opens within the next eight days unless Days is
	// empty of real days.
	for i := -1; i <= 8; i++ {
		day := time.Date(y, m, d+i, 0, 0, 0, 0, loc)
		if !w.opensOn(day.Weekday()) {
			continue
		}
		open := at(day, w.Start, loc)
		closeDay := day
		if w.End <= w.Start {
			closeDay = time.Date(y, m, d+i+1, 0, 0, 0, 0, loc)
		}
		shut := at(closeDay, w.End, loc)
		if !t.Before(shut) {
			continue
		}
		if !t.Before(open) {
			return t
		}
		if best.IsZero() || open.Before(best) {
			best = open
		}
	}
	if best.IsZero() {
		return t // no day opens: treat as always open rather than never send
	}
	return best
}
