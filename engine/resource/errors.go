package resource

import (
	"fmt"
	"strings"
)

// RolledBackError is a release that never became healthy: the deployment
// circuit breaker stopped it and ECS went back to the release before.
type RolledBackError struct {
	ID      string // the service's logical id
	Wanted  string // the task definition the apply asked for
	Running string // the one ECS went back to
	Reason  string // ECS's newest word on it
}

func (e *RolledBackError) Error() string {
	msg := fmt.Sprintf("%s: the new release %s never became healthy, so ECS rolled back to %s, which runs now", e.ID, lastName(e.Wanted), lastName(e.Running))
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	return msg + "\n    fix: check that the image and tag in mvi.toml exist and its command starts, then run mvi up again (aws ecs describe-tasks --desired-status STOPPED says why each task stopped)"
}

// lastName is what follows an ARN's last "/": a task definition's
// family:revision, the release a person knows.
func lastName(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }
