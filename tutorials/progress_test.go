package tutorials

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/steps"
)

func TestProgressSaveLoadResumeReset(t *testing.T) {
	tu, err := Load("hello-world")
	if err != nil {
		t.Fatal(err)
	}
	st := Store{Dir: filepath.Join(t.TempDir(), "progress")}
	fresh, err := st.Load(tu.ID)
	if err != nil || fresh.Next != 0 || fresh.ID != tu.ID {
		t.Fatalf("nothing saved yet: %+v %v", fresh, err)
	}
	// Run the steps up to the plan without a cloud, as a class would before
	// the bell, and save.
	s := &steps.Session{Answers: map[string]string{"name": "class-7"}}
	var next int
	for i, x := range tu.Steps {
		if x.Kind() == steps.KindPlan {
			next = i
			break
		}
		if err := x.Run(t.Context(), s, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Save(Record(tu, next, s)); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(st.Dir)
	if len(ents) != 1 || ents[0].Name() != tu.ID+".json" {
		t.Errorf("progress dir holds %v", ents)
	}
	// Tomorrow: a new session picks up at the plan with the same app.
	p, err := st.Load(tu.ID)
	if err != nil {
		t.Fatal(err)
	}
	s2 := &steps.Session{}
	got, err := p.Restore(tu, s2)
	if err != nil {
		t.Fatal(err)
	}
	if got != next || s2.Manifest != s.Manifest || s2.Answers["name"] != "class-7" || s2.Engine.App != "class-7" {
		t.Errorf("restored next %d (want %d), app %q, answers %v", got, next, s2.Engine.App, s2.Answers)
	}
	if _, ok := s2.Arch.Get("lb"); !ok || len(s2.Added()) != 0 {
		t.Errorf("restored design: lb missing or %d resources drawn as new", len(s2.Added()))
	}
	if p.Done(tu) {
		t.Error("half a tutorial is done")
	}
	if err := st.Reset(tu.ID); err != nil {
		t.Fatal(err)
	}
	if p, err := st.Load(tu.ID); err != nil || p.Next != 0 || p.Manifest != "" {
		t.Errorf("after reset: %+v %v", p, err)
	}
	if err := st.Reset(tu.ID); err != nil {
		t.Errorf("resetting twice: %v", err)
	}
}

func TestProgressRefusesBadIDsAndSaysWhenDamaged(t *testing.T) {
	st := Store{Dir: t.TempDir()}
	for _, id := range []string{"", "../etc", "a/b", "x.y"} {
		if err := st.Save(Progress{ID: id}); err == nil {
			t.Errorf("saved progress for %q", id)
		}
	}
	if err := os.WriteFile(filepath.Join(st.Dir, "hello-world.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Load("hello-world"); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("damaged file: %v", err)
	}
}
