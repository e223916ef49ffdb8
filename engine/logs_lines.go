package engine

import "time"

// lineSet counts lines by stream, time and text: Live Tail gives no event
// id, and one line read twice must match itself, not a twin written in
// the same millisecond.
type lineSet struct {
	n map[string]int
	t map[string]time.Time
}

func lineKey(l LogLine) string {
	return l.Stream + "\x00" + l.Time.Format(time.RFC3339Nano) + "\x00" + l.Message
}

func (s *lineSet) add(l LogLine) {
	if s.n == nil {
		s.n, s.t = map[string]int{}, map[string]time.Time{}
	}
	k := lineKey(l)
	s.n[k]++
	s.t[k] = l.Time
}

// take removes one of l, reporting whether there was one.
func (s *lineSet) take(l LogLine) bool {
	k := lineKey(l)
	if s.n[k] == 0 {
		return false
	}
	if s.n[k]--; s.n[k] == 0 {
		delete(s.n, k)
		delete(s.t, k)
	}
	return true
}

// prune forgets the lines older than t.
func (s *lineSet) prune(t time.Time) {
	for k, at := range s.t {
		if at.Before(t) {
			delete(s.n, k)
			delete(s.t, k)
		}
	}
}
