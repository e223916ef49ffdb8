package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/spf13/pflag"
)

// maxSandboxSpeed is the fastest sandbox clock: already a day's waits in
// under two minutes; beyond it timings stop meaning anything.
const maxSandboxSpeed = 1000

// speedFlag is --sandbox-speed: a number from 0 (instant) to 1000, refused
// as it is parsed, so `--sandbox-speed -3` never reaches the sandbox.
type speedFlag float64

func (s *speedFlag) String() string { return strconv.FormatFloat(float64(*s), 'g', -1, 64) }
func (s *speedFlag) Type() string   { return "speed" }

func (s *speedFlag) Set(v string) error {
	f, err := checkSpeed(v)
	if err != nil {
		return err
	}
	*s = speedFlag(f)
	return nil
}

// checkSpeed parses a sandbox speed and says why one can't be used.
func checkSpeed(v string) (float64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, errors.New("not a number: give how much faster than real time the sandbox runs, e.g. 1, 10 or 0 for instant")
	}
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return 0, fmt.Errorf("%s is not a speed: give a number from 0 (instant) to %d", v, maxSandboxSpeed)
	case f < 0:
		return 0, fmt.Errorf("%s is below 0: a clock can't run backwards; 0 is instant, 1 real time", v)
	case f > maxSandboxSpeed:
		return 0, fmt.Errorf("%s is above %d, the fastest the sandbox runs; 0 is instant", v, maxSandboxSpeed)
	}
	return f, nil
}

// speedVar adds --sandbox-speed to fs, into p (default 1).
func speedVar(fs *pflag.FlagSet, p *float64) {
	*p = 1
	fs.Var((*speedFlag)(p), "sandbox-speed", fmt.Sprintf("sandbox clock: 1 is a pace you can watch, 0 is instant, 2 twice as fast (at most %d)", maxSandboxSpeed))
}
