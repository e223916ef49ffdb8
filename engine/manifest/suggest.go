package manifest

import "strings"

// nearest returns the candidate a typo most likely meant, or "" when none is
// close enough to be worth suggesting. Case and -/_ are ignored, because
// `Port` or `retention-days` are the same intent as `port` and
// `retention_days`; a key cut short (`retention`) still finds its word.
func nearest(s string, candidates []string) string {
	norm := func(x string) string { return strings.ReplaceAll(strings.ToLower(x), "-", "_") }
	ns := norm(s)
	n := len([]rune(ns))
	// A third of the length, between 1 and 2 edits: `imgae` → `image` is one
	// edit (a swap), but `db` must not become `kv`.
	limit := min(max(n/3, 1), 2)
	best, bestDist := "", limit+1
	for _, c := range candidates {
		nc := norm(c)
		d := distance(ns, nc)
		if d > limit && n >= 4 && (strings.HasPrefix(nc, ns) || strings.HasPrefix(ns, nc)) {
			d = limit
		}
		if d < bestDist && d < n {
			best, bestDist = c, d
		}
	}
	return best
}

// distance is the optimal string alignment distance: insertions, deletions,
// substitutions and swaps of two neighbours each cost one. Swaps matter:
// they are the most common typo (`procesess`).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Long inputs come only from fuzzing or pasted junk; nothing that long is
	// a typo of a short key.
	if len(ra) > 64 || len(rb) > 64 {
		return max(len(ra), len(rb))
	}
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// nearestInt returns the allowed value closest to v, the smaller on a tie.
func nearestInt(v int64, allowed []int) int {
	best := allowed[0]
	for _, a := range allowed[1:] {
		if abs(int64(a)-v) < abs(int64(best)-v) {
			best = a
		}
	}
	return best
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// Nearest is nearest for commands that suggest a name from mvi.toml (a
// secret, a process), so every did-you-mean of mvi agrees.
func Nearest(s string, candidates []string) string { return nearest(s, candidates) }
