package sandbox

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
)

// compileFilterPattern turns a CloudWatch Logs filter pattern into a
// matcher: "" (everything), terms (all must appear; "quoted phrases";
// ?term: at least one of these; -term: none of these), or a JSON pattern
// { $.a.b = "x" && $.n >= 3 || ... } with =, !=, <, <=, >, >= and * in
// string values.
func compileFilterPattern(p string) (func(string) bool, error) {
	p = strings.TrimSpace(p)
	if p == "" {
		return func(string) bool { return true }, nil
	}
	if strings.HasPrefix(p, "{") {
		return compileJSONPattern(p)
	}
	if strings.HasPrefix(p, "[") {
		return nil, logsInvalid("Invalid filter pattern: the sandbox doesn't support space-delimited [...] patterns.")
	}
	var all, anyOf, none []string
	for len(p) > 0 {
		p = strings.TrimLeft(p, " \t")
		if p == "" {
			break
		}
		mod := byte(0)
		if p[0] == '?' || p[0] == '-' {
			mod, p = p[0], p[1:]
		}
		var term string
		if strings.HasPrefix(p, `"`) {
			end := strings.Index(p[1:], `"`)
			if end < 0 {
				return nil, logsInvalid("Invalid filter pattern: unterminated quote.")
			}
			term, p = p[1:1+end], p[2+end:]
		} else {
			end := strings.IndexAny(p, " \t")
			if end < 0 {
				end = len(p)
			}
			term, p = p[:end], p[end:]
		}
		if term == "" {
			continue
		}
		switch mod {
		case '?':
			anyOf = append(anyOf, term)
		case '-':
			none = append(none, term)
		default:
			all = append(all, term)
		}
	}
	return func(msg string) bool {
		for _, t := range all {
			if !strings.Contains(msg, t) {
				return false
			}
		}
		for _, t := range none {
			if strings.Contains(msg, t) {
				return false
			}
		}
		if len(anyOf) == 0 {
			return true
		}
		for _, t := range anyOf {
			if strings.Contains(msg, t) {
				return true
			}
		}
		return false
	}, nil
}

var jsonStepRE = regexp.MustCompile(`\.[A-Za-z0-9_\-]+|\[[0-9]+\]`)

var jsonCondRE = regexp.MustCompile(`^\s*\$((?:\.[A-Za-z0-9_\-]+|\[[0-9]+\])+)\s*(=|!=|<=|>=|<|>)\s*("(?:[^"\\]|\\.)*"|[^\s&|]+)\s*$`)

// compileJSONPattern handles conditions joined by && and || (&& binds
// tighter), without parentheses.
func compileJSONPattern(p string) (func(string) bool, error) {
	body := strings.TrimSpace(p)
	if !strings.HasSuffix(body, "}") {
		return nil, logsInvalid("Invalid filter pattern: %s", p)
	}
	body = strings.TrimSpace(body[1 : len(body)-1])
	type cond func(v any) bool
	var ors [][]cond
	for _, alt := range strings.Split(body, "||") {
		var ands []cond
		for _, c := range strings.Split(alt, "&&") {
			m := jsonCondRE.FindStringSubmatch(c)
			if m == nil {
				return nil, logsInvalid("Invalid filter pattern: %s", p)
			}
			path, op, lit := m[1], m[2], m[3]
			steps := jsonStepRE.FindAllString(path, -1)
			ands = append(ands, func(doc any) bool {
				v := doc
				for _, s := range steps {
					switch {
					case strings.HasPrefix(s, "."):
						o, ok := v.(map[string]any)
						if !ok {
							return false
						}
						v = o[s[1:]]
					default:
						a, ok := v.([]any)
						i, _ := strconv.Atoi(s[1 : len(s)-1])
						if !ok || i >= len(a) {
							return false
						}
						v = a[i]
					}
				}
				return jsonCompare(v, op, lit)
			})
		}
		ors = append(ors, ands)
	}
	return func(msg string) bool {
		var doc any
		if json.Unmarshal([]byte(msg), &doc) != nil {
			return false
		}
		for _, ands := range ors {
			ok := true
			for _, c := range ands {
				ok = ok && c(doc)
			}
			if ok {
				return true
			}
		}
		return false
	}, nil
}

func jsonCompare(v any, op, lit string) bool {
	if strings.HasPrefix(lit, `"`) {
		want, _ := strconv.Unquote(lit)
		s, ok := v.(string)
		if !ok {
			return false
		}
		eq := wildcard(want, s)
		switch op {
		case "=":
			return eq
		case "!=":
			return !eq
		}
		return false
	}
	if lit == "true" || lit == "false" || lit == "null" {
		var eq bool
		switch lit {
		case "null":
			eq = v == nil
		default:
			b, ok := v.(bool)
			eq = ok && b == (lit == "true")
		}
		return (op == "=" && eq) || (op == "!=" && !eq)
	}
	want, err := strconv.ParseFloat(lit, 64)
	n, ok := v.(float64)
	if err != nil || !ok {
		if op == "=" || op == "!=" {
			s, isStr := v.(string)
			eq := isStr && wildcard(lit, s)
			return (op == "=") == eq
		}
		return false
	}
	switch op {
	case "=":
		return n == want
	case "!=":
		return n != want
	case "<":
		return n < want
	case "<=":
		return n <= want
	case ">":
		return n > want
	case ">=":
		return n >= want
	}
	return false
}
