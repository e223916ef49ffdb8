package plain

import (
	"bufio"
	"errors"
	"io"
	"sync"
)

// lineReader hands out its input one line per Read. huh's accessible
// prompts wrap the reader in a new bufio.Scanner for every question, and a
// scanner reads as far ahead as it can: from a pipe, the first question
// would swallow the answers to all the others. Giving each Read at most one
// line keeps every answer for its own question.
type lineReader struct {
	mu      sync.Mutex
	r       *bufio.Reader
	pending []byte
	eof     bool
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReader(r)}
}

func (l *lineReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.pending) == 0 {
		line, err := l.r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			l.eof = true
		}
		if len(line) == 0 {
			if err == nil {
				err = io.EOF
			}
			return 0, err
		}
		l.pending = line
	}
	n := copy(p, l.pending)
	l.pending = l.pending[n:]
	return n, nil
}

// ended reports whether the input has run out.
func (l *lineReader) ended() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.eof && len(l.pending) == 0
}
