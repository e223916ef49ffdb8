package build

import (
	"sort"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// Variables as Docker resolves them. ARGs before FROM ("meta" args) may
// only be used by FROM, unless a stage declares them again by name; a
// build arg given by the caller overrides an ARG's default; ENV (the
// base image's and the Dockerfile's) wins over an ARG of the same name;
// only ENV is kept in the image. Words are expanded by BuildKit's own
// shell lexer, so quoting and ${VAR:-default} behave as in docker build.

type scope struct {
	lex       *shell.Lex
	buildArgs map[string]string
	used      map[string]bool   // build args some ARG consumed
	meta      map[string]string // meta args with values
	args      map[string]string // the stage's declared args with values
	env       *[]string         // the image config's Env, KEY=VALUE
}

// automaticArgs are the platform args BuildKit defines in the global
// scope without any ARG line.
func automaticArgs(os, arch, variant string) map[string]string {
	plat := os + "/" + arch
	if variant != "" {
		plat += "/" + variant
	}
	return map[string]string{
		"TARGETPLATFORM": plat, "TARGETOS": os, "TARGETARCH": arch, "TARGETVARIANT": variant,
		"BUILDPLATFORM": plat, "BUILDOS": os, "BUILDARCH": arch, "BUILDVARIANT": variant,
	}
}

func newScope(escape rune, buildArgs map[string]string, auto map[string]string) *scope {
	env := []string{}
	s := &scope{lex: shell.NewLex(escape), buildArgs: buildArgs, used: map[string]bool{},
		meta: map[string]string{}, args: map[string]string{}, env: &env}
	for k, v := range auto {
		s.meta[k] = v
	}
	return s
}

// metaGetter sees only the global scope, as FROM does.
type metaGetter struct{ s *scope }

func (g metaGetter) Get(k string) (string, bool) { v, ok := g.s.meta[k]; return v, ok }
func (g metaGetter) Keys() []string              { return sortedKeys(g.s.meta) }

// Get is the stage's view: ENV first, then declared ARGs.
func (s *scope) Get(k string) (string, bool) {
	for i := len(*s.env) - 1; i >= 0; i-- {
		if ek, v, _ := strings.Cut((*s.env)[i], "="); ek == k {
			return v, true
		}
	}
	v, ok := s.args[k]
	return v, ok
}

func (s *scope) Keys() []string {
	seen := map[string]bool{}
	var ks []string
	for _, e := range *s.env {
		k, _, _ := strings.Cut(e, "=")
		if !seen[k] {
			seen[k] = true
			ks = append(ks, k)
		}
	}
	for _, k := range sortedKeys(s.args) {
		if !seen[k] {
			ks = append(ks, k)
		}
	}
	return ks
}

func (s *scope) word(w string) (string, error) {
	out, _, err := s.lex.ProcessWord(w, s)
	return out, err
}

func (s *scope) metaWord(w string) (string, error) {
	out, _, err := s.lex.ProcessWord(w, metaGetter{s})
	return out, err
}

// declareMeta handles an ARG before FROM.
func (s *scope) declareMeta(c *instructions.ArgCommand) error {
	for _, a := range c.Args {
		if v, ok := s.buildArgs[a.Key]; ok {
			s.used[a.Key] = true
			s.meta[a.Key] = v
			continue
		}
		if a.Value == nil {
			delete(s.meta, a.Key)
			continue
		}
		v, err := s.metaWord(*a.Value)
		if err != nil {
			return err
		}
		s.meta[a.Key] = v
	}
	return nil
}

// declare handles an ARG inside the stage.
func (s *scope) declare(c *instructions.ArgCommand) error {
	for _, a := range c.Args {
		if v, ok := s.buildArgs[a.Key]; ok {
			s.used[a.Key] = true
			s.args[a.Key] = v
			continue
		}
		if a.Value == nil {
			if v, ok := s.meta[a.Key]; ok {
				s.args[a.Key] = v
			}
			continue
		}
		v, err := s.word(*a.Value)
		if err != nil {
			return err
		}
		s.args[a.Key] = v
	}
	return nil
}

// setEnv replaces or appends KEY=VALUE, keeping the order Docker keeps.
func (s *scope) setEnv(k, v string) {
	for i, e := range *s.env {
		if ek, _, _ := strings.Cut(e, "="); ek == k {
			(*s.env)[i] = k + "=" + v
			return
		}
	}
	*s.env = append(*s.env, k+"="+v)
}

// unused lists build args no ARG declared, which Docker warns about.
func (s *scope) unused() []string {
	var out []string
	for _, k := range sortedKeys(s.buildArgs) {
		if !s.used[k] {
			out = append(out, k)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// setBaseEnv starts the stage's ENV from the base image's, which both
// expansion and the new image's config build on.
func (s *scope) setBaseEnv(env []string) {
	*s.env = append([]string{}, env...)
}
