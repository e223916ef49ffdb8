package engine

import (
	"context"
	"time"
)

// CheckLock says before a plan is shown whether applying it would be
// refused: someone alive holds the app's lock. A stale lock passes, since
// Apply takes it over; a lock that can't be read passes too, and Apply
// decides. It takes nothing, so a plan a person reads for an hour holds
// no lock.
func CheckLock(ctx context.Context, cfg Config) error {
	b, ok := cfg.Locker.(Breaker)
	if !ok {
		return nil
	}
	h, err := b.Holder(ctx, cfg.App)
	if err != nil || h == nil {
		return nil
	}
	now := time.Now()
	if l, ok := cfg.Locker.(SSMLocker); ok {
		now = l.now()
	}
	if _, ok := stale(*h, now); ok {
		return nil
	}
	return lockedErr(cfg.App, *h, now)
}
