package sandbox

import (
	"bytes"
	"strconv"
	"strings"
)

func resolvePath(it ddbItem, p []pathStep) (ddbValue, bool) {
	var cur ddbValue
	for i, s := range p {
		if i == 0 {
			v, ok := it[s.name]
			if !ok {
				return ddbValue{}, false
			}
			cur = v
			continue
		}
		if s.index >= 0 {
			if cur.T != "L" || s.index >= len(cur.L) {
				return ddbValue{}, false
			}
			cur = cur.L[s.index]
		} else {
			if cur.T != "M" {
				return ddbValue{}, false
			}
			v, ok := cur.M[s.name]
			if !ok {
				return ddbValue{}, false
			}
			cur = v
		}
	}
	return cur, true
}

func (o operand) eval(it ddbItem) (ddbValue, bool) {
	if o.value != nil {
		return *o.value, true
	}
	v, ok := resolvePath(it, o.path)
	if !ok || !o.size {
		return v, ok
	}
	n := 0
	switch v.T {
	case "S":
		n = len(v.S)
	case "B":
		n = len(v.B)
	case "M":
		n = len(v.M)
	case "L":
		n = len(v.L)
	case "SS", "NS":
		n = len(v.SS)
	case "BS":
		n = len(v.BS)
	default:
		return ddbValue{}, false
	}
	return ddbValue{T: "N", S: strconv.Itoa(n)}, true
}

func (e *ddbExpr) eval(it ddbItem) bool {
	switch e.op {
	case "AND":
		return e.kids[0].eval(it) && e.kids[1].eval(it)
	case "OR":
		return e.kids[0].eval(it) || e.kids[1].eval(it)
	case "NOT":
		return !e.kids[0].eval(it)
	case "CMP":
		a, okA := e.args[0].eval(it)
		b, okB := e.args[1].eval(it)
		if !okA || !okB {
			return e.cmp == "<>" && okA != okB
		}
		switch e.cmp {
		case "=":
			return ddbEqual(a, b)
		case "<>":
			return !ddbEqual(a, b)
		}
		c, ok := ddbCmp(a, b)
		if !ok {
			return false
		}
		switch e.cmp {
		case "<":
			return c < 0
		case "<=":
			return c <= 0
		case ">":
			return c > 0
		}
		return c >= 0
	case "BETWEEN":
		v, ok1 := e.args[0].eval(it)
		lo, ok2 := e.args[1].eval(it)
		hi, ok3 := e.args[2].eval(it)
		if !ok1 || !ok2 || !ok3 {
			return false
		}
		c1, okA := ddbCmp(v, lo)
		c2, okB := ddbCmp(v, hi)
		return okA && okB && c1 >= 0 && c2 <= 0
	case "IN":
		v, ok := e.args[0].eval(it)
		if !ok {
			return false
		}
		for _, a := range e.args[1:] {
			if w, ok := a.eval(it); ok && ddbEqual(v, w) {
				return true
			}
		}
		return false
	case "FN":
		v, has := resolvePath(it, e.args[0].path)
		switch e.fn {
		case "attribute_exists":
			return has
		case "attribute_not_exists":
			return !has
		}
		arg, ok := e.args[1].eval(it)
		if !has || !ok {
			return false
		}
		switch e.fn {
		case "attribute_type":
			return arg.T == "S" && v.T == arg.S
		case "begins_with":
			switch {
			case v.T == "S" && arg.T == "S":
				return strings.HasPrefix(v.S, arg.S)
			case v.T == "B" && arg.T == "B":
				return bytes.HasPrefix(v.B, arg.B)
			}
			return false
		case "contains":
			switch v.T {
			case "S":
				return arg.T == "S" && strings.Contains(v.S, arg.S)
			case "B":
				return arg.T == "B" && bytes.Contains(v.B, arg.B)
			case "SS":
				return arg.T == "S" && strIn(v.SS, arg.S)
			case "NS":
				if arg.T == "N" {
					for _, n := range v.SS {
						if ddbNumCmp(n, arg.S) == 0 {
							return true
						}
					}
				}
				return false
			case "BS":
				for _, b := range v.BS {
					if arg.T == "B" && bytes.Equal(b, arg.B) {
						return true
					}
				}
				return false
			case "L":
				for _, x := range v.L {
					if ddbEqual(x, arg) {
						return true
					}
				}
			}
			return false
		}
	}
	return false
}

func strIn(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// projection parses a ProjectionExpression into paths.
func parseProjection(s string, c *exprCtx) ([][]pathStep, error) {
	l := &exprLexer{s: s, c: c}
	var out [][]pathStep
	for {
		p, err := l.path()
		if err != nil {
			return nil, err
		}
		out = append(out, p)
		if !l.accept(",") {
			break
		}
	}
	l.skip()
	if l.pos < len(l.s) {
		return nil, l.err("Syntax error; token: \"%s\"", l.s[l.pos:min(len(l.s), l.pos+8)])
	}
	return out, nil
}

// ddbProject copies the projected paths of an item (top-level and
// nested; projected list elements come back compacted, as DynamoDB does).
func ddbProject(it ddbItem, paths [][]pathStep) ddbItem {
	out := ddbItem{}
	for _, p := range paths {
		v, ok := resolvePath(it, p)
		if !ok {
			continue
		}
		cur, has := out[p[0].name]
		out[p[0].name] = mergePath(cur, has, p[1:], v)
	}
	return out
}

func mergePath(cur ddbValue, has bool, steps []pathStep, v ddbValue) ddbValue {
	if len(steps) == 0 {
		return v
	}
	s := steps[0]
	if s.index >= 0 {
		l := ddbValue{T: "L"}
		if has && cur.T == "L" {
			l.L = append([]ddbValue(nil), cur.L...)
		}
		l.L = append(l.L, mergePath(ddbValue{}, false, steps[1:], v))
		return l
	}
	m := ddbValue{T: "M", M: map[string]ddbValue{}}
	if has && cur.T == "M" {
		for k, x := range cur.M {
			m.M[k] = x
		}
	}
	old, ok := m.M[s.name]
	m.M[s.name] = mergePath(old, ok, steps[1:], v)
	return m
}
