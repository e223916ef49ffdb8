package arch

import (
	"reflect"
	"sort"
)

// Change is what turning one architecture into another adds, removes and
// modifies. The wizard highlights Added; the engine plans from it.
type Change struct {
	Added    []string   `json:"added"`
	Removed  []string   `json:"removed"`
	Modified []Modified `json:"modified"`
}

// Modified names a resource whose settings differ and which settings.
type Modified struct {
	ID     string   `json:"id"`
	Fields []string `json:"fields"`
}

// Empty reports whether nothing changes.
func (c Change) Empty() bool { return len(c.Added)+len(c.Removed)+len(c.Modified) == 0 }

// Services lists the services touched by added or modified resources, in
// the book's order: what a wizard step should draw heavy.
func (c Change) Services(next Architecture) map[Service]bool {
	out := map[Service]bool{}
	for _, id := range c.Added {
		if r, ok := next.Get(id); ok {
			out[r.Service] = true
		}
	}
	for _, m := range c.Modified {
		if r, ok := next.Get(m.ID); ok {
			out[r.Service] = true
		}
	}
	return out
}

// Diff compares two architectures by logical id. Added and Modified follow
// new's order, Removed old's.
func Diff(old, new Architecture) Change {
	var c Change
	prev := make(map[string]Resource, len(old.Resources))
	for _, r := range old.Resources {
		prev[r.ID] = r
	}
	cur := make(map[string]bool, len(new.Resources))
	for _, r := range new.Resources {
		cur[r.ID] = true
		o, ok := prev[r.ID]
		if !ok {
			c.Added = append(c.Added, r.ID)
			continue
		}
		if fields := changedFields(o, r); len(fields) > 0 {
			c.Modified = append(c.Modified, Modified{ID: r.ID, Fields: fields})
		}
	}
	for _, r := range old.Resources {
		if !cur[r.ID] {
			c.Removed = append(c.Removed, r.ID)
		}
	}
	return c
}

// changedFields names the props (by JSON name) and structural fields that
// differ. Reasons are prose and don't count as a change.
func changedFields(a, b Resource) []string {
	var out []string
	if a.Type != b.Type {
		out = append(out, "type")
	}
	if !sameSet(a.DependsOn, b.DependsOn) {
		out = append(out, "depends_on")
	}
	av, bv := reflect.ValueOf(a.Props), reflect.ValueOf(b.Props)
	if !av.IsValid() || !bv.IsValid() || av.Type() != bv.Type() {
		if !reflect.DeepEqual(a.Props, b.Props) {
			out = append(out, "props")
		}
		return out
	}
	t := av.Type()
	for i := 0; i < t.NumField(); i++ {
		if !reflect.DeepEqual(av.Field(i).Interface(), bv.Field(i).Interface()) {
			out = append(out, jsonName(t.Field(i)))
		}
	}
	return out
}

func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	for i := 0; i < len(tag); i++ {
		if tag[i] == ',' {
			tag = tag[:i]
			break
		}
	}
	if tag == "" {
		return f.Name
	}
	return tag
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x := append([]string(nil), a...)
	y := append([]string(nil), b...)
	sort.Strings(x)
	sort.Strings(y)
	return reflect.DeepEqual(x, y)
}
