package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine"
)

// `mvi up` printed each plan line as long as it was, so an 80-column
// terminal broke words at its edge (issue 10). Every line now fits the
// terminal's width and breaks between words.
func TestUpPlanFitsTheTerminal(t *testing.T) {
	reason := "an Application Load Balancer in the public subnets of two zones gives the app one stable address, and sends each request only to a healthy container"
	p := engine.Plan{App: "shop", MonthlyUSD: 41.5, PricesDated: "2026-11", Steps: []engine.Step{
		{ID: "lb", Type: "AWS::ElasticLoadBalancingV2::LoadBalancer", Action: engine.Create, MonthlyUSD: 16.43, Reason: reason},
		{ID: "listener/web", Type: "AWS::ElasticLoadBalancingV2::Listener", Action: engine.Create, Reason: "port 80 for the web process"},
	}}
	for _, width := range []int{60, 80, 120} {
		var b bytes.Buffer
		writeEnginePlan(&b, p, "the sandbox (/home/someone/.local/state/mvi/sandbox)", width)
		text := b.String()
		for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
			if n := len([]rune(line)); n > width {
				t.Errorf("width %d: a line of %d: %q", width, n, line)
			}
		}
		// Every word of the reason is whole on some line.
		joined := strings.Join(strings.Fields(text), " ")
		if !strings.Contains(joined, reason) || !strings.Contains(joined, "AWS::ElasticLoadBalancingV2::LoadBalancer") {
			t.Errorf("width %d: words were broken:\n%s", width, text)
		}
	}
}
