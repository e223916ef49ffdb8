package steps

import (
	"context"
	"fmt"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
)

// probeUptime judges what the last watched step saw. What happened during
// a step can't change by waiting, so a failure is final.
func (c Check) probeUptime(ctx context.Context, s *Session) (string, error) {
	t := s.Traffic
	if t == nil {
		// Nothing watched in this session (it was resumed after the step,
		// or the step had nothing to do): say so, and check what is known,
		// the page now.
		d, err := Check{Kind: CheckHTTP, Process: c.Process, Body: c.Body}.probeHTTP(ctx, s)
		if err != nil {
			return "", err
		}
		return "nothing watched the last release in this session; now: " + d, nil
	}
	if t.Requests == 0 {
		return "", &fatalError{"the watcher made no request before the step ended, so it can't say the page kept answering"}
	}
	if t.Failed > 0 {
		return "", &fatalError{fmt.Sprintf("%d of %d requests to %s failed (first: %s)", t.Failed, t.Requests, t.URL, t.FirstFailure)}
	}
	want, err := c.WantBody(s)
	if err != nil {
		return "", &fatalError{err.Error()}
	}
	if want != "" && !t.Served(want) {
		return "", &fatalError{fmt.Sprintf("no page served while it rolled out contained %q: %s", want, t.Summary())}
	}
	return t.Summary(), nil
}

// probeRelease reads which revision the process's service settled on.
func (c Check) probeRelease(ctx context.Context, s *Session) (string, error) {
	p := c.process()
	svc, err := service(ctx, s, p)
	if err != nil {
		return "", err
	}
	if why := steady(svc); why != "" {
		return "", fmt.Errorf("%s is still rolling: %s", p, why)
	}
	runs := sdkaws.ToString(svc.TaskDefinition)
	latest, err := latestRevision(ctx, s, p)
	if err != nil {
		return "", err
	}
	desc := func(td string) string { return fmt.Sprintf("%s (%s)", Revision(td), imageOf(ctx, s, td)) }
	if c.Revision == RevisionPrevious {
		if runs == latest {
			return "", &fatalError{fmt.Sprintf("%s runs the newest release %s: nothing was rolled back", p, desc(runs))}
		}
		if r := s.Release; r != nil && r.Process == p && runs != r.Good {
			return "", fmt.Errorf("%s runs %s; before the bad release it ran %s", p, desc(runs), desc(r.Good))
		}
		return fmt.Sprintf("%s runs %s again on %d containers, one finished deployment; the newer %s was rolled back",
			p, desc(runs), svc.RunningCount, desc(latest)), nil
	}
	if runs != latest {
		return "", fmt.Errorf("%s runs %s; the newest release is %s", p, desc(runs), desc(latest))
	}
	return fmt.Sprintf("%s runs %s on %d containers, one finished deployment", p, desc(runs), svc.RunningCount), nil
}

// Served reports whether a page containing text answered some request.
func (t Traffic) Served(text string) bool {
	for _, p := range t.Pages {
		if strings.Contains(p.Sample, text) {
			return true
		}
	}
	return false
}
