package steps

import (
	"strings"
	"testing"
)

// A choice is named by its number, label or value, in any case; the
// stored answer is always the value (issue 10: "no" was refused).
func TestChoiceByNumberLabelOrValue(t *testing.T) {
	f := Field{Key: "database", Type: Select, Options: []Option{{"no", "none"}, {"PostgreSQL", "postgres"}, {"MySQL", "mysql"}}}
	for answer, want := range map[string]string{
		"1": "none", "no": "none", "NO": "none", "none": "none",
		" 2 ": "postgres", "PostgreSQL": "postgres", "postgresql": "postgres", "Postgres": "postgres",
		"3": "mysql", "mysql": "mysql",
	} {
		if err := f.Check(answer); err != nil {
			t.Errorf("%q refused: %v", answer, err)
		}
		if got := f.Normalize(answer); got != want {
			t.Errorf("%q is stored as %q, want %q", answer, got, want)
		}
	}
	for _, wrong := range []string{"0", "4", "-1", "maybe", "postgre"} {
		err := f.Check(wrong)
		if err == nil || !strings.Contains(err.Error(), "from 1 to 3") || !strings.Contains(err.Error(), "PostgreSQL") {
			t.Errorf("%q: %v", wrong, err)
		}
	}
}

// An image question refuses what mvi.toml would refuse, with the reason
// (issue 10: "Not An Image!" was shipped as a release).
func TestImageQuestionsCheckTheReference(t *testing.T) {
	img := Field{Key: "image", Validate: RuleImage}
	src := Field{Key: "source", Validate: RuleImageOrDir}
	for _, v := range []string{"nginx", "nginx:1.27", "ghcr.io/you/app:1"} {
		if err := img.Check(v); err != nil {
			t.Errorf("image %q: %v", v, err)
		}
	}
	for v, why := range map[string]string{"Not An Image!": "space", "Nginx": "lowercase", "nginx:": "no tag", "ghcr.io//x": "empty part"} {
		if err := img.Check(v); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("image %q: %v, want a reason with %q", v, err, why)
		}
		if err := src.Check(v); err == nil || !strings.Contains(err.Error(), "is neither an image") {
			t.Errorf("image-or-dir %q: %v", v, err)
		}
	}
	if err := src.Check("./web"); err != nil {
		t.Errorf("a directory: %v", err)
	}
}

// Going back after a failed step lands on the last question before it.
func TestLastAskBefore(t *testing.T) {
	st := []Step{Explain{}, Ask{Fields: []Field{{Key: "a"}}}, Design{}, Ask{Fields: []Field{{Key: "b"}}}, Apply{}, Verify{}}
	if i, ok := LastAskBefore(st, 5); !ok || i != 3 {
		t.Errorf("before the verify: %d %v", i, ok)
	}
	if i, ok := LastAskBefore(st, 3); !ok || i != 1 {
		t.Errorf("before the second ask: %d %v", i, ok)
	}
	if _, ok := LastAskBefore(st, 1); ok {
		t.Error("found a question before the first one")
	}
}
