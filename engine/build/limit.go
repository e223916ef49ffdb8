package build

import (
	"fmt"
	"io"
)

// limitedReader fails, rather than truncating, once more than n bytes
// come through: a cut-off Dockerfile would parse into a different recipe.
type limitedReader struct {
	r    io.Reader
	n    int64
	name string
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, fmt.Errorf("%s is larger than the limit", l.name)
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return 0, fmt.Errorf("%s is larger than the limit", l.name)
	}
	return n, err
}
