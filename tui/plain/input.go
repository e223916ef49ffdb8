package plain

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// lineReader reads answers one line at a time. One buffered reader serves
// every question, so a pipe's lines each go to their own question however
// many arrive at once.
type lineReader struct {
	mu sync.Mutex // a read abandoned by Ctrl-C keeps it; nothing reads after
	r  *bufio.Reader
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReader(r)}
}

// line is the next line without its line ending. A last line without a
// newline still counts; io.EOF means the input ended before any.
func (l *lineReader) line() (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, err := l.r.ReadString('\n')
	if err != nil && (s == "" || !errors.Is(err, io.EOF)) {
		return "", err
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// InputEndedError is the input running out (a pipe's last line read,
// Ctrl-D at a terminal) before a question was answered. Nothing is
// guessed for the person: the run stops there.
type InputEndedError struct {
	Question string
	// Changed says an earlier step of this run already changed something
	// (wrote mvi.toml, applied), so "nothing changed" would be untrue.
	Changed bool
}

func (e *InputEndedError) Error() string {
	what := "nothing was changed"
	if e.Changed {
		what = "nothing more was changed"
	}
	return fmt.Sprintf("stopped here: the input ended before %q was answered; %s", e.Question, what)
}
