package arch

import "fmt"

// Check proves the architecture is well formed: ids are unique and every
// dependency names an earlier resource, which also rules out cycles.
func (a *Architecture) Check() error {
	seen := make(map[string]bool, len(a.Resources))
	for _, r := range a.Resources {
		if r.ID == "" {
			return fmt.Errorf("a %s resource has no id", r.Type)
		}
		if seen[r.ID] {
			return fmt.Errorf("resource id %q appears twice", r.ID)
		}
		for _, dep := range r.DependsOn {
			if !seen[dep] {
				return fmt.Errorf("resource %q depends on %q, which is not designed before it", r.ID, dep)
			}
		}
		seen[r.ID] = true
	}
	return nil
}
