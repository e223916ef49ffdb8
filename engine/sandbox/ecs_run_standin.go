package sandbox

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// A one-off command (RunTask with a command override, as `mvi run`
// starts) in an image the sandbox has no program for can't run here: the
// sandbox doesn't know what that program would print or exit with. So
// the task's log says so plainly at its start, and the task stands in
// until it is stopped, as a service's container of such an image does —
// without a server of the image's own: nothing a load balancer sends to.

// awslogsStream is where the awslogs driver writes a task's container:
// PREFIX/CONTAINER/TASK, or TASK without a prefix; "" without awslogs.
func awslogsStream(lc *ecstypes.LogConfiguration, container, task string) (group, stream string) {
	if lc == nil || lc.LogDriver != ecstypes.LogDriverAwslogs {
		return "", ""
	}
	stream = task
	if p := lc.Options["awslogs-stream-prefix"]; p != "" {
		stream = p + "/" + container + "/" + task
	}
	return lc.Options["awslogs-group"], stream
}

// oneOffCommand is the command a standalone task's override gives its
// essential container, nil when it runs the image's own.
func (t *tx) oneOffCommand(tk *ecsTask, td *taskDef) (container string, command []string) {
	if tk.Service != "" || tk.Overrides == nil || td == nil {
		return "", nil
	}
	for _, c := range td.Containers {
		if c.Essential != nil && !*c.Essential {
			continue
		}
		for _, co := range tk.Overrides.ContainerOverrides {
			if aws.ToString(co.Name) == aws.ToString(c.Name) && len(co.Command) > 0 {
				return aws.ToString(c.Name), co.Command
			}
		}
		return "", nil
	}
	return "", nil
}

// sayCantRun writes the plain line of a one-off command the sandbox can't
// run to its task's log.
func (t *tx) sayCantRun(tk *ecsTask, td *taskDef) {
	name, cmd := t.oneOffCommand(tk, td)
	if cmd == nil {
		return
	}
	for _, c := range td.Containers {
		if aws.ToString(c.Name) != name {
			continue
		}
		group, stream := awslogsStream(c.LogConfiguration, name, tk.ID)
		g := t.r.Logs.Groups[group]
		if g == nil {
			return
		}
		if g.Streams == nil {
			g.Streams = map[string]*logStream{}
		}
		st := g.Streams[stream]
		if st == nil {
			st = &logStream{Name: stream, Created: t.now}
			g.Streams[stream] = st
		}
		line := "mvi sandbox: the program of image " + aws.ToString(c.Image) + " can't run here, so `" + strings.Join(cmd, " ") +
			"` does not run and prints nothing; this task stands in until it is stopped (mvi run: Ctrl-C). The sandbox runs the commands of its own demo image for real."
		t.appendLogEvents(st, []cwltypes.InputLogEvent{{Timestamp: aws.Int64(t.now.UnixMilli()), Message: aws.String(line)}}, t.now)
	}
}
