package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWizardSecuringTheEnvironmentInTmux goes through "Securing the
// Environment" in an 80×24 tmux window as a person would: it picks the
// tutorial on the home screen, takes each default, types two canary
// values into the masked secret fields, answers y to each "go ahead?" and
// types the app's name where the database is to be deleted. No screen may
// ever show a canary, and the sandbox's and mvi's files may not hold one
// in clear.
func TestWizardSecuringTheEnvironmentInTmux(t *testing.T) {
	tm, state := startWizard(t, "secure", 40)
	tm.waitFor("the home screen", 20*time.Second, func(s string) bool { return strings.Contains(s, "Securing the Environment") })
	for !strings.Contains(tm.capture(), "› Securing the Environment") {
		tm.send("Down")
		time.Sleep(200 * time.Millisecond)
	}
	tm.send("Enter")

	const canary1, canary2 = "canaryTMUX1-7f3a9c", "canaryTMUX2-0d4e8b"
	var screens []string
	typedSecrets, typedName := 0, false
	deadline := time.Now().Add(4 * time.Minute)
	prev := ""
	for time.Now().Before(deadline) {
		s := tm.waitFor("the next screen", 2*time.Minute, func(s string) bool { return s != prev })
		time.Sleep(150 * time.Millisecond)
		s = tm.capture()
		screens = append(screens, s)
		prev = s
		switch {
		case strings.Contains(s, "Tutorial complete"):
			goto done
		case strings.Contains(s, "This step failed"):
			t.Fatalf("a step failed:\n%s", s)
		case strings.Contains(s, "Type the app's name"):
			tm.send("-l", "hello")
			time.Sleep(200 * time.Millisecond)
			screens = append(screens, tm.capture())
			tm.send("Enter")
			typedName = true
		case strings.Contains(s, "waits for your answer"):
			tm.send("y")
		case strings.Contains(s, "value for API_TOKEN") && strings.Contains(s, "Answer the question"):
			v := canary1
			if typedSecrets > 0 {
				v = canary2
			}
			typedSecrets++
			tm.send("-l", v)
			time.Sleep(200 * time.Millisecond)
			masked := tm.capture()
			screens = append(screens, masked)
			if !strings.Contains(masked, "****") {
				t.Errorf("the secret field shows no mask while typing:\n%s", masked)
			}
			tm.send("Enter")
		case strings.Contains(s, "Answer the question"):
			tm.send("Enter")
		case strings.Contains(s, "Press enter for the next step"):
			tm.send("Enter")
		}
	}
	t.Fatalf("did not reach the end of Securing the Environment; the screen:\n%s", prev)
done:
	for i, s := range screens {
		readable(t, s)
		if strings.Contains(s, canary1) || strings.Contains(s, canary2) {
			t.Errorf("screen %d shows a secret's value:\n%s", i, s)
		}
	}
	for _, want := range []string{"****", "connection refused", "DATABASE_URL"} {
		for i := len(screens) - 1; i >= 0; i-- {
			if strings.Contains(screens[i], want) {
				t.Logf("a screen with %q:\n%s", want, screens[i])
				break
			}
		}
	}
	if typedSecrets != 2 || !typedName {
		t.Errorf("typed %d secrets (want 2: set and rotate), the app's name before data loss: %v", typedSecrets, typedName)
	}
	t.Logf("the final screen:\n%s", screens[len(screens)-1])
	if final := screens[len(screens)-1]; !strings.Contains(final, "Tutorial complete") {
		t.Errorf("the final screen:\n%s", final)
	}
	err := filepath.WalkDir(state, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), canary1) || strings.Contains(string(b), canary2) {
			t.Errorf("%s holds a secret's value in clear", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tm.send("Enter")
	tm.waitFor("home again", 10*time.Second, func(s string) bool { return strings.Contains(s, "Set up my app") })
	tm.send("q")
	tm.waitFor("mvi to exit 0", 10*time.Second, func(s string) bool { return strings.Contains(s, "mvi-exited-0") })
}
