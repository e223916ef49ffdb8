package tutorials

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/minimalinfra/mvi/steps"
)

func TestEveryEmbeddedTutorialValidates(t *testing.T) {
	ids, err := IDs(FS())
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) < 2 {
		t.Fatalf("catalog has %v; want at least hello-world and init", ids)
	}
	for _, id := range ids {
		tu, err := Load(id)
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		if err := Validate(tu, nil); err != nil {
			t.Errorf("%s:\n%v", id, err)
		}
		if len(tu.Steps) != len(tu.Meta) {
			t.Errorf("%s: %d steps, %d metas", id, len(tu.Steps), len(tu.Meta))
		}
		for i, m := range tu.Meta {
			if m.Pos.Line == 0 || m.Kind != tu.Steps[i].Kind() {
				t.Errorf("%s step %d: meta %+v for a %s step", id, i, m, tu.Steps[i].Kind())
			}
		}
	}
}

func TestListHidesInitButLoadFindsIt(t *testing.T) {
	ts, err := List()
	if err != nil {
		t.Fatal(err)
	}
	var sawHello bool
	for _, tu := range ts {
		if tu.ID == InitID {
			t.Error("List shows the init definition")
		}
		sawHello = sawHello || tu.ID == "hello-world"
	}
	if !sawHello {
		t.Error("List lacks hello-world")
	}
	in, err := Load(InitID)
	if err != nil || !in.Hidden {
		t.Fatalf("init: hidden=%v err=%v", in.Hidden, err)
	}
}

// The hello-world tutorial teaches the book's two pictures: the first
// design has one VM and no load balancer, the second adds the load
// balancer and a second VM, and it verifies HTTP both before and after the
// break.
func TestHelloWorldFollowsTheChapter(t *testing.T) {
	tu, err := Load("hello-world")
	if err != nil {
		t.Fatal(err)
	}
	s := &steps.Session{Answers: map[string]string{}}
	var designs []string
	var kinds []steps.Kind
	for _, st := range tu.Steps {
		kinds = append(kinds, st.Kind())
		switch st.(type) {
		case steps.Ask, steps.Design:
			if err := st.Run(t.Context(), s, nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, ok := st.(steps.Design); ok {
			var d strings.Builder
			for _, svc := range s.AddedServices() {
				d.WriteString(string(svc) + ",")
			}
			designs = append(designs, d.String())
			if len(s.Added()) == 0 {
				t.Error("a design step added nothing")
			}
			for _, r := range s.Added() {
				if r.Reason == "" {
					t.Errorf("%s has no reason", r.ID)
				}
			}
		}
	}
	if len(designs) != 2 {
		t.Fatalf("%d design steps, want 2", len(designs))
	}
	if strings.Contains(designs[0], "Load Balancer") || !strings.Contains(designs[0], "VPC") {
		t.Errorf("first picture adds %s", designs[0])
	}
	if !strings.Contains(designs[1], "Load Balancer") || strings.Contains(designs[1], "VPC,") && !strings.Contains(designs[1], "Load Balancer") {
		t.Errorf("second picture adds %s", designs[1])
	}
	if _, ok := s.Arch.Get("lb"); !ok {
		t.Error("the final design has no load balancer")
	}
	order := strings.Join(kindStrings(kinds), " ")
	for _, want := range []string{"apply verify break verify", "inspect destroy"} {
		if !strings.Contains(order, want) {
			t.Errorf("steps %q lack %q", order, want)
		}
	}
}

func kindStrings(ks []steps.Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

const goodDef = `title = "T"

[[step]]
kind = "ask"
change = '''
name = {{quote .name}}
[processes.web]
image = "httpd"
'''
  [[step.field]]
  key = "name"
  prompt = "Name?"
  default = "t"

[[step]]
kind = "design"
`

// A broken definition is caught at the line of the mistake.
func TestBrokenDefinitionsAreCaughtWithTheirPosition(t *testing.T) {
	cases := []struct {
		name, def string
		line      int
		msg       string
	}{
		{"unknown kind", goodDef + "\n[[step]]\nkind = \"dance\"\n", 19, `unknown step kind "dance"`},
		{"missing markdown", goodDef + "\n[[step]]\nkind = \"explain\"\nmarkdown = \"nope.md\"\n", 20, `markdown "nope.md"`},
		{"unknown key", goodDef + "\n[[step]]\nkind = \"plan\"\ncolour = 3\n", 20, `unknown key "step.colour"`},
		{"change that doesn't parse", strings.Replace(goodDef, `image = "httpd"`, `image = 7`, 1), 5, "manifest mvi refuses"},
		{"http check without a port", goodDef + "\n[[step]]\nkind = \"apply\"\n\n[[step]]\nkind = \"verify\"\n  [[step.check]]\n  kind = \"http\"\n", 23, "no port"},
		{"verify before apply", goodDef + "\n[[step]]\nkind = \"verify\"\n  [[step.check]]\n  kind = \"vms\"\n", 18, "needs an apply"},
		{"break setting on a plan", goodDef + "\n[[step]]\nkind = \"plan\"\naction = \"terminate-vm\"\n", 20, `no "action" setting`},
		{"bad syntax", goodDef + "\n[[step]\n", 18, "close array table"},
		{"cloud field naming an unknown cloud", strings.Replace(goodDef, `default = "t"`, `default = "t"`+"\n  cloud = true\n  type = \"select\"\n  [[step.field.option]]\n  label = \"x\"\n  value = \"azure\"", 1), 18, "a cloud field's options"},
		{"prediction whose answer is no option", goodDef + "\n[[step]]\nkind = \"plan\"\n  [step.predict]\n  question = \"q?\"\n  answer = \"c\"\n  explain = \"e\"\n    [[step.predict.option]]\n    label = \"a\"\n    value = \"a\"\n    [[step.predict.option]]\n    label = \"b\"\n    value = \"b\"\n", 20, `answer "c" is not the value`},
		{"prediction with one option", goodDef + "\n[[step]]\nkind = \"plan\"\n  [step.predict]\n  question = \"q?\"\n  answer = \"a\"\n  explain = \"e\"\n    [[step.predict.option]]\n    label = \"a\"\n    value = \"a\"\n", 20, "at least two"},
		{"bad rule", strings.Replace(goodDef, `default = "t"`, `default = "t"`+"\n  validate = \"shoe-size\"", 1), 14, "unknown validation"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{"x.toml": {Data: []byte(c.def)}}
			err := ValidateFS(fsys)
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("err = %v (%T), want Errors", err, err)
			}
			var hit bool
			for _, e := range es {
				if e.File == "x.toml" && e.Line == c.line && e.Col > 0 && strings.Contains(e.Msg, c.msg) {
					hit = true
				}
			}
			if !hit {
				t.Errorf("want x.toml:%d:…: …%s…; got\n%v", c.line, c.msg, err)
			}
		})
	}
	if err := ValidateFS(fstest.MapFS{"x.toml": {Data: []byte(goodDef)}}); err != nil {
		t.Errorf("the good definition fails: %v", err)
	}
}
