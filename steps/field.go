package steps

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/manifest"
)

// FieldType is how a field is asked.
type FieldType string

// The field types; a tutorial file spells them this way.
const (
	Input   FieldType = "input"   // free text
	Select  FieldType = "select"  // one of Options
	Confirm FieldType = "confirm" // yes or no, stored as "true" or "false"
	Number  FieldType = "number"  // an integer, within Min and Max when set
	// Secret is a value typed into a masked field. Its Key names one of
	// the manifest's secrets; Ask.Run hands the value to the cloud's
	// secret store (engine.SetSecret) and keeps it nowhere else: not in
	// Session.Answers, the progress file, the manifest or the screen.
	Secret FieldType = "secret"
)

// MinSecretLen is the shortest value a secret field takes: a shorter one
// is guessable, and too short to search for when proving it leaked
// nowhere (a check for "abc" would find it in any log).
const MinSecretLen = 8

// Rule names a validation a field's answers must pass. Rules are names, not
// code, so tutorial files can use them.
type Rule string

// The rules.
const (
	RuleNone        Rule = ""
	RuleAppName     Rule = "app-name"     // lowercase letters, digits and dashes, starting with a letter
	RulePort        Rule = "port"         // 1–65535
	RulePositiveInt Rule = "positive-int" // 1, 2, …
	RuleImage       Rule = "image"        // an image reference (httpd, nginx:1.27, ghcr.io/a/b:1)
	RuleImageOrDir  Rule = "image-or-dir" // an image reference or a directory (., ./web, /src)
	RuleCommand     Rule = "command"      // words to run, at least one
)

// Rules lists the known rule names.
func Rules() []Rule {
	return []Rule{RuleAppName, RulePort, RulePositiveInt, RuleImage, RuleImageOrDir, RuleCommand}
}

// Option is one choice of a select field.
type Option struct {
	Label string // what the person reads
	Value string // what is stored in Answers
}

// Field is one question of an ask step.
type Field struct {
	Key     string    // the answer's name in Session.Answers and the change template
	Prompt  string    // the question
	Help    string    // one or two sentences under the question
	Type    FieldType // input when empty
	Options []Option  // for select
	Default string    // offered, and used when an answer is missing
	// Validate names a Rule the answer must pass.
	Validate Rule
	// Min and Max bound a number field; a zero Max means no upper bound.
	Min, Max int
	// Optional allows an empty answer (then the rule isn't applied).
	Optional bool
	// Cloud marks the answer as the cloud the rest of the run works on
	// ("sandbox" or "aws"): Ask.Run hands it to Session.UseCloud.
	Cloud bool
}

// The clouds a Cloud field may name.
const (
	CloudSandbox = "sandbox"
	CloudAWS     = "aws"
)

// Kind is the field's type, input when unset.
func (f Field) Kind() FieldType {
	if f.Type == "" {
		return Input
	}
	return f.Type
}

var appNameRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// Choice finds the option an answer names: its number (1 for the first),
// its label or its value, ignoring case and surrounding space. A person
// reads labels and a script may write values; both mean the same choice.
func (f Field) Choice(answer string) (Option, bool) {
	a := strings.TrimSpace(answer)
	if n, err := strconv.Atoi(a); err == nil {
		if n >= 1 && n <= len(f.Options) {
			return f.Options[n-1], true
		}
		return Option{}, false
	}
	for _, o := range f.Options {
		if strings.EqualFold(a, o.Value) || strings.EqualFold(a, o.Label) {
			return o, true
		}
	}
	return Option{}, false
}

// Check says whether value is an acceptable answer, and if not why, in a
// sentence that can be shown under the field. The TUI's forms and the
// plain runner both call it; Ask.Run calls it again on every answer.
func (f Field) Check(value string) error {
	v := strings.TrimSpace(value)
	if v == "" {
		if f.Optional {
			return nil
		}
		return fmt.Errorf("%s needs an answer", f.label())
	}
	switch f.Kind() {
	case Secret:
		// Never quote the value back: the message is shown under the
		// field and may end up in a transcript.
		if err := engine.CheckSecretValue([]byte(value)); err != nil {
			return fmt.Errorf("%s: %v", f.label(), err)
		}
		if len(value) < MinSecretLen {
			return fmt.Errorf("%s: use at least %d characters (this one has %d)", f.label(), MinSecretLen, len(value))
		}
		return nil
	case Select:
		if _, ok := f.Choice(v); ok {
			return nil
		}
		labels := make([]string, len(f.Options))
		for i, o := range f.Options {
			labels[i] = o.Label
		}
		return fmt.Errorf("%q is not one of the choices: answer a number from 1 to %d, or one of: %s",
			v, len(f.Options), strings.Join(labels, "; "))
	case Confirm:
		switch strings.ToLower(v) {
		case "true", "false", "yes", "no", "y", "n":
			return nil
		}
		return fmt.Errorf("answer yes or no, not %q", v)
	case Number:
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		if f.Max != 0 && (n < f.Min || n > f.Max) {
			return fmt.Errorf("%d is outside %d–%d", n, f.Min, f.Max)
		}
		if f.Max == 0 && f.Min != 0 && n < f.Min {
			return fmt.Errorf("%d: use %d or more", n, f.Min)
		}
	}
	return checkRule(f.Validate, v)
}

func (f Field) label() string {
	if f.Prompt != "" {
		return strings.TrimRight(f.Prompt, "?: ")
	}
	return f.Key
}

func checkRule(r Rule, v string) error {
	switch r {
	case RuleNone:
		return nil
	case RuleAppName:
		if len(v) > 32 {
			return fmt.Errorf("%q is %d characters; keep the name to 32 so every cloud name built from it fits", v, len(v))
		}
		if !appNameRE.MatchString(v) || strings.HasSuffix(v, "-") || strings.Contains(v, "--") {
			return fmt.Errorf("%q: use lowercase letters, digits and single dashes, starting with a letter (e.g. hello)", v)
		}
	case RulePort, RulePositiveInt:
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		if n < 1 {
			return fmt.Errorf("%d: use 1 or more", n)
		}
		if r == RulePort && n > 65535 {
			return fmt.Errorf("%d is not a port (1–65535)", n)
		}
	case RuleImage:
		// The manifest's own check, so an answer can't pass here and be
		// refused in mvi.toml.
		if err := manifest.CheckImage(v); err != nil {
			return fmt.Errorf("%q is not an image: %v; name one as docker pull would (httpd, nginx:1.27, ghcr.io/you/app:1)", v, err)
		}
	case RuleImageOrDir:
		if IsDir(v) {
			return nil
		}
		if err := manifest.CheckImage(v); err != nil {
			return fmt.Errorf("%q is neither an image (httpd, nginx:1.27, ghcr.io/you/app) nor a directory (., ./web): as an image, %v", v, err)
		}
	case RuleCommand:
		if len(strings.Fields(v)) == 0 {
			return fmt.Errorf("name the command to run, e.g. bin/worker")
		}
	default:
		return fmt.Errorf("unknown validation rule %q (known: %s)", r, joinRules())
	}
	return nil
}

func joinRules() string {
	rs := Rules()
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// IsDir reports whether an image-or-dir answer names a directory: it starts
// with "." or "/" (or is "."). Anything else is an image reference.
func IsDir(v string) bool {
	return v == "." || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "../") || strings.HasPrefix(v, "/")
}

// Normalize turns an accepted answer into the stored form: trimmed,
// confirm answers as "true" or "false", a choice as its option's value.
// Ask.Run stores answers so; a runner calls it to show what was chosen.
func (f Field) Normalize(v string) string {
	if f.Kind() == Secret {
		return v // a secret is what was typed, spaces and all
	}
	v = strings.TrimSpace(v)
	switch f.Kind() {
	case Confirm:
		if v != "" {
			return strconv.FormatBool(IsYes(v))
		}
	case Select:
		if o, ok := f.Choice(v); ok {
			return o.Value
		}
	}
	return v
}
