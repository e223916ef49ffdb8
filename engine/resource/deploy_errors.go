package resource

import (
	"fmt"
	"strings"
)

// DeploymentFailedError is a first release that never became healthy:
// the circuit breaker stopped it and there was no release to go back to.
type DeploymentFailedError struct {
	ID      string // the service's logical id
	Reason  string // the deployment's rollout reason, as ECS says
	Stopped string // why a task of it stopped, as ECS says
}

func (e *DeploymentFailedError) Error() string {
	msg := fmt.Sprintf("%s: deployment failed: %s", e.ID, e.Reason)
	if e.Stopped != "" {
		msg += "; a task stopped: " + e.Stopped
	}
	return msg
}

// Fix reads ECS's stopped reason for what to change.
func (e *DeploymentFailedError) Fix() string { return stoppedFix(e.Stopped) }

// stoppedFix turns ECS's word on a stopped task into what to change in
// mvi.toml: the three causes a new app meets first.
func stoppedFix(stopped string) string {
	switch s := strings.ToLower(stopped); {
	case strings.Contains(s, "elb health checks"):
		return "the container doesn't answer its health check: set port = to the port its program listens on (httpd and nginx listen on 80) and health = to a path that answers 200, then run mvi up again"
	case strings.Contains(s, "cannotpullcontainer"):
		return "the image can't be pulled: check its name and tag in mvi.toml (docker pull would need to find it), then run mvi up again"
	case strings.Contains(s, "ssm") || strings.Contains(s, "secret"):
		return "a secret has no value: mvi secrets list shows which, mvi secrets set NAME sets one, then run mvi up again"
	case strings.Contains(s, "essential container"):
		return "the program exited: mvi logs PROCESS shows what it printed before it stopped"
	}
	return "check that the image and tag in mvi.toml exist and its command starts, then run mvi up again (aws ecs describe-tasks --desired-status STOPPED says why each task stopped)"
}
