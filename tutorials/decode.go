package tutorials

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/steps"
	"github.com/pelletier/go-toml/v2"
)

// The file format. Keys are the lowercase names in the toml tags; unknown
// keys are mistakes.
type fileDef struct {
	Title   string    `toml:"title"`
	Summary string    `toml:"summary"`
	Chapter string    `toml:"chapter"`
	Order   int       `toml:"order"`
	Hidden  bool      `toml:"hidden"`
	Step    []stepDef `toml:"step"`
}

type stepDef struct {
	Kind  string `toml:"kind"`
	Title string `toml:"title"`
	When  string `toml:"when"`
	// Markdown names a file beside the definition; Text is inline markdown.
	Markdown  string   `toml:"markdown"`
	Text      string   `toml:"text"`
	Highlight []string `toml:"highlight"`
	// Hint helps a learner stuck on the step.
	Hint string `toml:"hint"`
	// Predict asks what will happen before the step runs.
	Predict *predictDef `toml:"predict"`
	// ask
	Field  []fieldDef `toml:"field"`
	Change string     `toml:"change"`
	// verify
	Check   []checkDef `toml:"check"`
	Timeout string     `toml:"timeout"`
	// apply, break
	Watch string `toml:"watch"`
	// break
	Action string `toml:"action"`
	Target string `toml:"target"`
	// write
	File      string `toml:"file"`
	Overwrite bool   `toml:"overwrite"`
	Content   string `toml:"content"`
	Tree      string `toml:"tree"`
	// rollback
	Release int `toml:"release"`
	// admin
	Process string   `toml:"process"`
	Command []string `toml:"command"`
	Exit    int      `toml:"exit"`
}

type fieldDef struct {
	Key      string      `toml:"key"`
	Prompt   string      `toml:"prompt"`
	Help     string      `toml:"help"`
	Type     string      `toml:"type"`
	Default  string      `toml:"default"`
	Validate string      `toml:"validate"`
	Min      int         `toml:"min"`
	Max      int         `toml:"max"`
	Optional bool        `toml:"optional"`
	Cloud    bool        `toml:"cloud"`
	Option   []optionDef `toml:"option"`
}

type predictDef struct {
	Question string      `toml:"question"`
	Answer   string      `toml:"answer"`
	Explain  string      `toml:"explain"`
	Option   []optionDef `toml:"option"`
}

type optionDef struct {
	Label string `toml:"label"`
	Value string `toml:"value"`
}

type checkDef struct {
	Kind     string   `toml:"kind"`
	Name     string   `toml:"name"`
	Process  string   `toml:"process"`
	Path     string   `toml:"path"`
	Status   int      `toml:"status"`
	Body     string   `toml:"body"`
	Count    int      `toml:"count"`
	Contains string   `toml:"contains"`
	Revision string   `toml:"revision"`
	Names    []string `toml:"names"`
	Alarm    string   `toml:"alarm"`
	State    string   `toml:"state"`
}

// allowed lists the settings each kind reads beyond kind, title, when,
// markdown, text and highlight: a setting another kind reads is a mistake
// (a "check" under an ask step would silently do nothing).
var allowed = map[steps.Kind][]string{
	steps.KindAsk:      {"field", "change"},
	steps.KindVerify:   {"check", "timeout"},
	steps.KindApply:    {"watch"},
	steps.KindBreak:    {"action", "target", "change", "watch"},
	steps.KindWrite:    {"file", "overwrite", "content", "tree"},
	steps.KindRollback: {"release", "watch"},
	steps.KindAdmin:    {"process", "command", "exit"},
}

func decode(fsys fs.FS, id, file string, data []byte) (Tutorial, error) {
	var def fileDef
	d := toml.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&def); err != nil {
		return Tutorial{}, fromTOML(file, err)
	}
	c := &errs{pos: findPositions(file, data)}
	t := Tutorial{ID: id, Title: def.Title, Summary: def.Summary, Chapter: def.Chapter, Order: def.Order,
		Hidden: def.Hidden, File: file, pos: c.pos}
	if def.Title == "" {
		c.at("title", "the tutorial has no title")
	}
	if len(def.Step) == 0 {
		c.at("", "the tutorial has no [[step]]")
	}
	for i, sd := range def.Step {
		p := fmt.Sprintf("step[%d]", i)
		st, meta := decodeStep(c, fsys, p, sd)
		meta.Pos = c.pos.of(p)
		t.Steps = append(t.Steps, st)
		t.Meta = append(t.Meta, meta)
	}
	if err := c.list.orNil(); err != nil {
		return Tutorial{}, err
	}
	return t, nil
}

func decodeStep(c *errs, fsys fs.FS, p string, sd stepDef) (steps.Step, StepMeta) {
	k := steps.Kind(sd.Kind)
	meta := StepMeta{Kind: k, Title: sd.Title, Markdown: sd.Markdown}
	if !slices.Contains(steps.Kinds(), k) {
		c.at(p+".kind", "unknown step kind %q (known: %s)", sd.Kind, kindNames())
		return steps.Explain{}, meta
	}
	for _, key := range usedSettings(sd) {
		if !slices.Contains(allowed[k], key) {
			c.at(p+"."+key, "a %s step has no %q setting", k, key)
		}
	}
	for _, h := range sd.Highlight {
		if !slices.Contains(arch.Services(), arch.Service(h)) {
			c.at(p+".highlight", "unknown service %q to highlight", h)
		}
		meta.Highlight = append(meta.Highlight, arch.Service(h))
	}
	text := sd.Text
	if sd.Markdown != "" {
		if sd.Text != "" {
			c.at(p+".text", "give markdown or text, not both")
		}
		b, err := fs.ReadFile(fsys, path.Clean(sd.Markdown))
		if err != nil {
			c.at(p+".markdown", "markdown %q: %v", sd.Markdown, err)
		} else if strings.TrimSpace(string(b)) == "" {
			c.at(p+".markdown", "markdown %q is empty", sd.Markdown)
		}
		text = string(b)
	}
	base := steps.Base{Heading: sd.Title, When: sd.When, Intro: text, Hint: strings.TrimSpace(sd.Hint)}
	if pr := sd.Predict; pr != nil {
		base.Predict = &steps.Predict{Question: pr.Question, Answer: pr.Answer, Explain: strings.TrimSpace(pr.Explain)}
		answered := false
		for _, o := range pr.Option {
			base.Predict.Options = append(base.Predict.Options, steps.Option{Label: o.Label, Value: o.Value})
			answered = answered || o.Value == pr.Answer
		}
		switch {
		case strings.TrimSpace(pr.Question) == "" || strings.TrimSpace(pr.Explain) == "":
			c.at(p+".predict", "a prediction needs a question and an explain (what happens, shown after)")
		case len(pr.Option) < 2:
			c.at(p+".predict", "a prediction needs at least two [[step.predict.option]] to choose from")
		case !answered:
			c.at(p+".predict", "the prediction's answer %q is not the value of one of its options", pr.Answer)
		}
	}
	switch k {
	case steps.KindExplain:
		if sd.Markdown == "" && strings.TrimSpace(text) == "" {
			c.at(p, "an explain step needs markdown or text")
		}
		base.Intro = ""
		return steps.Explain{Base: base, Markdown: text}, meta
	case steps.KindAsk:
		a := steps.Ask{Base: base, Change: sd.Change}
		for j, fd := range sd.Field {
			a.Fields = append(a.Fields, decodeField(c, fmt.Sprintf("%s.field[%d]", p, j), fd))
		}
		if len(a.Fields) == 0 {
			c.at(p, "an ask step needs at least one [[step.field]]")
		}
		return a, meta
	case steps.KindDesign:
		return steps.Design{Base: base}, meta
	case steps.KindPlan:
		return steps.Plan{Base: base}, meta
	case steps.KindApply:
		if sd.Watch != "" && !strings.HasPrefix(sd.Watch, "/") {
			c.at(p+".watch", "watch %q: give a path, like \"/\"", sd.Watch)
		}
		return steps.Apply{Base: base, Watch: sd.Watch}, meta
	case steps.KindVerify:
		v := steps.Verify{Base: base}
		if sd.Timeout != "" {
			d, err := time.ParseDuration(sd.Timeout)
			if err != nil || d <= 0 {
				c.at(p+".timeout", "timeout %q: use a duration like \"5m\"", sd.Timeout)
			}
			v.Timeout = d
		}
		for _, cd := range sd.Check {
			v.Checks = append(v.Checks, steps.Check{Kind: steps.CheckKind(cd.Kind), Name: cd.Name, Process: cd.Process,
				Path: cd.Path, Status: cd.Status, Body: cd.Body, Count: cd.Count, Contains: cd.Contains, Revision: cd.Revision, Names: cd.Names, Alarm: cd.Alarm, State: cd.State})
		}
		if len(v.Checks) == 0 {
			c.at(p, "a verify step needs at least one [[step.check]]")
		}
		return v, meta
	case steps.KindBreak:
		b := steps.Break{Base: base, Action: steps.BreakAction(sd.Action), Target: sd.Target, Change: sd.Change, Watch: sd.Watch}
		if !slices.Contains(steps.BreakActions(), b.Action) {
			c.at(p+".action", "unknown break action %q (known: terminate-vm, delete, bad-release)", sd.Action)
		}
		if b.Action == steps.BreakDelete && b.Target == "" {
			c.at(p, "a delete break needs target = \"<logical id>\"")
		}
		if b.Action == steps.BreakBadRelease && strings.TrimSpace(b.Change) == "" {
			c.at(p, "a bad-release break needs change: the manifest change that makes the bad release")
		}
		if b.Action != steps.BreakBadRelease && (b.Change != "" || b.Watch != "") {
			c.at(p+".action", "only a bad-release break has change and watch")
		}
		if b.Watch != "" && !strings.HasPrefix(b.Watch, "/") {
			c.at(p+".watch", "watch %q: give a path, like \"/\"", b.Watch)
		}
		return b, meta
	case steps.KindInspect:
		return steps.Inspect{Base: base}, meta
	case steps.KindDestroy:
		return steps.Destroy{Base: base}, meta
	case steps.KindWrite:
		if sd.Content != "" && sd.File == "" {
			c.at(p, "a write step with content needs file: the path in the app's directory it is written to")
		}
		if sd.Tree != "" {
			switch {
			case !slices.Contains(steps.Trees(), sd.Tree):
				c.at(p+".tree", "tree %q: the trees mvi carries are %v", sd.Tree, steps.Trees())
			case sd.File == "" || sd.Content != "":
				c.at(p, "a write step with a tree needs file (the directory it is written into) and no content")
			}
		}
		return steps.Write{Base: base, File: sd.File, Overwrite: sd.Overwrite, Content: sd.Content, Tree: sd.Tree}, meta
	case steps.KindRollback:
		if sd.Watch != "" && !strings.HasPrefix(sd.Watch, "/") {
			c.at(p+".watch", "watch %q: give a path, like \"/\"", sd.Watch)
		}
		if sd.Release < 0 {
			c.at(p+".release", "release %d: give a release number, or leave it out for the one before", sd.Release)
		}
		return steps.Rollback{Base: base, Release: sd.Release, Watch: sd.Watch}, meta
	case steps.KindRecords:
		return steps.RecordsStep{Base: base}, meta
	case steps.KindAdmin:
		if len(sd.Command) == 0 {
			c.at(p, "an admin step needs command: the words to run, like [\"migrate\"]")
		}
		if sd.Exit < 0 || sd.Exit > 255 {
			c.at(p+".exit", "exit %d: an exit code is 0 to 255", sd.Exit)
		}
		return steps.Admin{Base: base, Process: sd.Process, Command: sd.Command, Exit: sd.Exit}, meta
	}
	return steps.Explain{Base: base}, meta
}

func decodeField(c *errs, p string, fd fieldDef) steps.Field {
	f := steps.Field{Key: fd.Key, Prompt: fd.Prompt, Help: fd.Help, Type: steps.FieldType(fd.Type), Default: fd.Default,
		Validate: steps.Rule(fd.Validate), Min: fd.Min, Max: fd.Max, Optional: fd.Optional, Cloud: fd.Cloud}
	for _, o := range fd.Option {
		f.Options = append(f.Options, steps.Option{Label: o.Label, Value: o.Value})
	}
	if f.Key == "" {
		c.at(p, "a field needs a key")
	}
	if f.Prompt == "" {
		c.at(p, "field %q needs a prompt", f.Key)
	}
	switch f.Kind() {
	case steps.Input, steps.Number, steps.Confirm:
		if len(f.Options) > 0 {
			c.at(p+".option[0]", "only a select field has options")
		}
	case steps.Select:
		if len(f.Options) == 0 {
			c.at(p, "select field %q needs [[step.field.option]]s", f.Key)
		}
	case steps.Secret:
		if len(f.Options) > 0 {
			c.at(p+".option[0]", "only a select field has options")
		}
		if err := engine.CheckSecretName(f.Key); err != nil {
			c.at(p+".key", "a secret field's key is the secret's name: %v", err)
		}
		if f.Default != "" {
			c.at(p+".default", "a secret field has no default: a value written in a tutorial is no secret")
		}
	default:
		c.at(p+".type", "unknown field type %q (known: input, select, confirm, number, secret)", fd.Type)
	}
	if f.Cloud {
		for i, o := range f.Options {
			if o.Value != steps.CloudSandbox && o.Value != steps.CloudAWS {
				c.at(fmt.Sprintf("%s.option[%d].value", p, i), "a cloud field's options are %q or %q, not %q", steps.CloudSandbox, steps.CloudAWS, o.Value)
			}
		}
		if f.Kind() != steps.Select {
			c.at(p+".cloud", "a cloud field must be a select")
		}
	}
	if f.Max != 0 && f.Min > f.Max {
		c.at(p+".min", "min %d is above max %d", f.Min, f.Max)
	}
	if f.Validate != "" && !slices.Contains(steps.Rules(), f.Validate) {
		c.at(p+".validate", "unknown validation %q", fd.Validate)
	}
	if f.Default != "" {
		if err := f.Check(f.Default); err != nil {
			c.at(p+".default", "the default fails its own check: %v", err)
		}
	}
	return f
}

// usedSettings names the kind-specific settings a step sets.
func usedSettings(sd stepDef) []string {
	var out []string
	add := func(set bool, name string) {
		if set {
			out = append(out, name)
		}
	}
	add(len(sd.Field) > 0, "field")
	add(sd.Change != "", "change")
	add(len(sd.Check) > 0, "check")
	add(sd.Timeout != "", "timeout")
	add(sd.Action != "", "action")
	add(sd.Target != "", "target")
	add(sd.Watch != "", "watch")
	add(sd.File != "", "file")
	add(sd.Overwrite, "overwrite")
	add(sd.Content != "", "content")
	add(sd.Tree != "", "tree")
	add(sd.Release != 0, "release")
	add(sd.Process != "", "process")
	add(len(sd.Command) > 0, "command")
	add(sd.Exit != 0, "exit")
	return out
}

func kindNames() string {
	ks := steps.Kinds()
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
