package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/minimalinfra/mvi/engine/arch"
)

// The states an alarm check can expect, as CloudWatch names them.
const (
	AlarmOK    = "OK"
	AlarmAlarm = "ALARM"
)

func (c Check) alarm() string {
	if c.Alarm == "" {
		return arch.IDSmokeAlarm
	}
	return c.Alarm
}

func (c Check) alarmTitle() string {
	return fmt.Sprintf("%s is %s", c.alarm(), c.State)
}

func (c Check) alarmSatisfiable(a arch.Architecture) error {
	if c.State != AlarmOK && c.State != AlarmAlarm {
		return fmt.Errorf("state %q: an alarm check expects %q or %q", c.State, AlarmOK, AlarmAlarm)
	}
	r, ok := a.Get(c.alarm())
	if !ok {
		return fmt.Errorf("the design has no %s", c.alarm())
	}
	if r.Type != arch.TypeAlarm {
		return errors.New(c.alarm() + " is not an alarm")
	}
	return nil
}

// probeAlarm reads the alarm's state as CloudWatch evaluates it: the
// smoke check's turns only after its checks fail (or pass) as many times
// in a row as the manifest says, which is what the learner waits for.
func (c Check) probeAlarm(ctx context.Context, s *Session) (string, error) {
	l, err := s.live(ctx, arch.TypeAlarm, c.alarm())
	if err != nil {
		return "", err
	}
	if l.State != c.State {
		return "", fmt.Errorf("%s is %s, not yet %s", c.alarm(), l.State, c.State)
	}
	return fmt.Sprintf("%s (%s) is %s", c.alarm(), l.PhysicalID, l.State), nil
}
