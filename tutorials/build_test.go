package tutorials

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/steps"
)

// "Build and Release Custom Images" on the sandbox with its data plane
// serving: the learner's text is built into an image and served through
// the load balancer; the edit is a second build and release watched with
// no request failing; the rollback to release 1 brings the first text
// back, also unbroken; the records step reads both builds, three releases
// and a log from the sandbox's KV and Blob; destroy leaves nothing.
func TestBuildAndReleaseOnTheSandbox(t *testing.T) {
	tu, err := Load("build")
	if err != nil {
		t.Fatal(err)
	}
	_, cfg := openSandbox(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	first, second := "first-words-7f3a", "second-words-91c2"
	rec := &recorder{}
	var lossAsked string
	s := &steps.Session{Engine: cfg, Dir: t.TempDir(), Answers: map[string]string{"name": "mypage", "text": first, "text2": second},
		// Destroy deletes the records and logs: the learner types the app's name.
		ConfirmLoss: func(_ context.Context, q, want string) (bool, error) { lossAsked = q; return want == "mypage", nil }}
	var (
		release2, rollback *steps.Traffic
		afterRelease1      string
	)
	page := filepath.Join(s.Dir, "build-tutorial", "public-html", "index.html")
	hooks := &Hooks{
		After: func(ctx context.Context, next int, s *steps.Session) error {
			switch st := tu.Steps[next-1].(type) {
			case steps.Apply:
				if st.Watch != "" {
					release2 = s.Traffic
				}
			case steps.Rollback:
				rollback = s.Traffic
			case steps.Verify:
				if afterRelease1 == "" {
					b, _ := os.ReadFile(page)
					afterRelease1 = string(b)
				}
			}
			return nil
		},
	}
	start := time.Now()
	if err := Run(ctx, tu, s, 0, rec, hooks); err != nil {
		t.Fatalf("%v\nlast notes: %q", err, lastN(rec.notes, 8))
	}
	t.Logf("Build and Release: %d steps in %s", len(tu.Steps), time.Since(start).Round(time.Millisecond))

	if !strings.Contains(afterRelease1, first) {
		t.Errorf("release 1's page on disk was %q, want the learner's text %q", afterRelease1, first)
	}
	if release2 == nil || rollback == nil {
		t.Fatalf("traffic of release 2 %v, of the rollback %v", release2, rollback)
	}
	t.Logf("release 2: %s", release2.Summary())
	t.Logf("rollback: %s", rollback.Summary())
	if release2.Requests == 0 || release2.Failed != 0 || !release2.Served(second) {
		t.Errorf("release 2: %s; want requests, none failed, the edited text among them", release2.Summary())
	}
	if rollback.Requests == 0 || rollback.Failed != 0 || !rollback.Served(first) {
		t.Errorf("rollback: %s; want requests, none failed, the first text among them", rollback.Summary())
	}
	// The last request of each watch is made after the step finished: what
	// the app serves once it's done.
	if p := release2.Pages; len(p) == 0 || !strings.Contains(p[len(p)-1].Sample, second) {
		t.Errorf("after release 2 the pages were %+v", p)
	}

	r := s.Records
	if r == nil {
		t.Fatal("the records step left no records")
	}
	if len(r.Builds) != 2 || r.Builds[0].ID == r.Builds[1].ID || r.Builds[0].Source == r.Builds[1].Source {
		t.Errorf("builds %+v; want two with different ids and source digests", r.Builds)
	}
	for _, b := range r.Builds {
		if b.Status != "succeeded" || b.Image == "" || !strings.HasPrefix(b.Log, "s3://"+r.Bucket+"/") {
			t.Errorf("build %+v: want succeeded, an image and a log in %s", b, r.Bucket)
		}
	}
	if len(r.Releases) != 3 || r.Releases[2].RollbackOf != 1 ||
		r.Releases[2].Processes["web"].Image != r.Releases[0].Processes["web"].Image ||
		r.Releases[1].Processes["web"].Image == r.Releases[0].Processes["web"].Image {
		t.Errorf("releases %+v; want 1, 2 with a new image, and 3 rolling back to 1's image", r.Releases)
	}
	if strings.TrimSpace(r.Log) == "" {
		t.Error("the newest build's log read back from Blob is empty")
	}
	var listed bool
	for _, n := range rec.notes {
		listed = listed || strings.HasPrefix(n, "build "+r.Builds[len(r.Builds)-1].ID)
	}
	if !listed {
		t.Errorf("no note lists the newest build: %q", lastN(rec.notes, 12))
	}

	passed := map[string]bool{}
	for _, c := range rec.checks {
		passed[c.Name] = passed[c.Name] || c.OK
	}
	for _, st := range tu.Steps {
		if v, ok := st.(steps.Verify); ok {
			for _, c := range v.Checks {
				if !passed[c.Title()] {
					t.Errorf("check %q never passed", c.Title())
				}
			}
		}
	}
	if lossAsked == "" {
		t.Error("destroy deleted the records without asking")
	}
	snap, err := engine.Status(ctx, s.Engine)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Total != 0 {
		t.Errorf("after destroy %d resources remain: %+v", snap.Total, snap.Services)
	}
}
