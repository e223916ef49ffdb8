package tui

import (
	"reflect"

	"github.com/minimalinfra/mvi/steps"
)

// stepInfo is what the runner draws for a step before and while it runs:
// the markdown to read and the questions to ask. It is the one place that
// knows the concrete step kinds; a kind it doesn't know still runs, with
// its title, its intro and its output.
type stepInfo struct {
	kind     steps.Kind
	title    string
	markdown string
	fields   []steps.Field
}

func describe(st steps.Step) stepInfo {
	in := stepInfo{kind: st.Kind(), title: st.Title(), markdown: baseOf(st).Intro}
	switch s := st.(type) {
	case steps.Explain:
		in.markdown = joinMD(s.Intro, s.Markdown)
	case *steps.Explain:
		in.markdown = joinMD(s.Intro, s.Markdown)
	case steps.Ask:
		in.fields = s.Fields
	case *steps.Ask:
		in.fields = s.Fields
	}
	return in
}

// baseOf finds the steps.Base every kind embeds, whatever the kind: new
// kinds get their intro shown without this package learning their type.
func baseOf(st steps.Step) steps.Base {
	v := reflect.ValueOf(st)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return steps.Base{}
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return steps.Base{}
	}
	if f := v.FieldByName("Base"); f.IsValid() {
		if b, ok := f.Interface().(steps.Base); ok {
			return b
		}
	}
	return steps.Base{}
}

func joinMD(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n\n" + b
}
