package sandbox

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func (t *tx) advanceTasks() {
	for _, k := range sortedKeys(t.r.ECS.Tasks) {
		tk := t.r.ECS.Tasks[k]
		if tk.LastStatus == "STOPPED" {
			continue
		}
		st := tk.LastStatus
		switch {
		case tk.Desired == "STOPPED" && t.reached(tk.StoppedAt):
			st = "STOPPED"
		case tk.Desired == "STOPPED":
			st = "DEACTIVATING"
			if len(tk.Targets) == 0 || tk.LastStatus != "RUNNING" && tk.LastStatus != "DEACTIVATING" {
				st = "STOPPING"
			}
		case tk.FailReason != "" && t.reached(tk.FailAt):
			tk.Desired, tk.StoppedAt, tk.StopCode, tk.StopReason = "STOPPED", tk.FailAt, "TaskFailedToStart", tk.FailReason
			st = "STOPPED"
			t.noteFailure(tk)
		case tk.FailReason == "" && t.reached(tk.RunningAt):
			st = "RUNNING"
		case t.reached(tk.PendingAt):
			st = "PENDING"
		}
		if st == tk.LastStatus {
			continue
		}
		if st == "RUNNING" {
			t.registerTaskTargets(tk)
			t.startLogStreams(tk)
		}
		tk.LastStatus = st
		tk.Version++
		t.touch()
	}
}

func (t *tx) noteFailure(tk *ecsTask) {
	s := t.r.ECS.Services[t.ecsServiceARN(tk.Cluster, tk.Service)]
	if s == nil {
		return
	}
	for _, d := range s.Deployments {
		if d.ID == tk.StartedBy {
			d.Failed++
			d.LastFail = tk.FailAt
		}
	}
	s.event(tk.FailAt, fmt.Sprintf("(service %s) (task %s) failed to start: %s", s.Name, tk.ID, tk.FailReason))
}

func (t *tx) registerTaskTargets(tk *ecsTask) {
	s := t.r.ECS.Services[t.ecsServiceARN(tk.Cluster, tk.Service)]
	if s == nil {
		return
	}
	var names []string
	for _, lb := range s.LBs {
		tg := t.r.ELB.TargetGroups[aws.ToString(lb.TargetGroupArn)]
		if tg == nil {
			continue
		}
		for _, p := range tk.Ports {
			if p.Container == aws.ToString(lb.ContainerName) && p.ContainerPort == aws.ToInt32(lb.ContainerPort) {
				t.registerTarget(tg, tk.Instance, p.HostPort, tk.RunningAt)
				tk.Targets = append(tk.Targets, taskTarget{TG: tg.ARN, Port: p.HostPort})
				names = append(names, tg.ARN)
			}
		}
	}
	if len(names) > 0 {
		s.event(tk.RunningAt, fmt.Sprintf("(service %s) registered 1 targets in (target-group %s)", s.Name, strings.Join(names, ", ")))
	}
}

// startLogStreams creates the awslogs streams of a task as the driver does.
func (t *tx) startLogStreams(tk *ecsTask) {
	td := t.taskDefByKey(tk.TaskDef)
	if td == nil {
		return
	}
	for _, c := range td.Containers {
		group, name := awslogsStream(c.LogConfiguration, aws.ToString(c.Name), tk.ID)
		g := t.r.Logs.Groups[group]
		if g == nil {
			continue
		}
		if g.Streams == nil {
			g.Streams = map[string]*logStream{}
		}
		if g.Streams[name] == nil {
			g.Streams[name] = &logStream{Name: name, Created: tk.RunningAt}
		}
	}
}

func (t *tx) taskDefByKey(a string) *taskDef {
	return t.r.ECS.TaskDefs[taskDefKey(a)]
}

// startFailure is why a task of td can't start on instance i, "" if it can.
func (t *tx) startFailure(td *taskDef, i *instance) string {
	for _, r := range []string{td.ExecRole, td.TaskRole} {
		if r == "" {
			continue
		}
		name := r[strings.LastIndex(r, "/")+1:]
		role := t.st.IAM.Roles[name]
		if role == nil || !strings.Contains(role.Assume, "ecs-tasks.amazonaws.com") {
			return "ECS was unable to assume the role '" + r + "' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role."
		}
	}
	host := t.account() + ".dkr.ecr." + t.regionName() + ".amazonaws.com/"
	for _, c := range td.Containers {
		img := aws.ToString(c.Image)
		if strings.HasPrefix(img, host) {
			repo := strings.TrimPrefix(img, host)
			if i := strings.IndexAny(repo, ":@"); i >= 0 {
				repo = repo[:i]
			}
			r := t.r.ECR.Repos[repo]
			// A tag or digest the repository doesn't hold fails the pull
			// as on AWS: the engine pushes every build before naming it.
			_, ref, _ := ecrRef(t.account(), t.regionName(), img)
			if r == nil || r.resolve(ref) == nil {
				return "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref " + img + ": " + img + ": not found"
			}
		}
		if why := pullFailure(img); why != "" {
			return why
		}
		if lc := c.LogConfiguration; lc != nil && lc.LogDriver == ecstypes.LogDriverAwslogs {
			g := lc.Options["awslogs-group"]
			if t.r.Logs.Groups[g] == nil {
				if lc.Options["awslogs-create-group"] == "true" {
					t.r.Logs.Groups[g] = &logGroup{Meta: Meta{ID: g, ARN: t.logGroupARN(g), Created: t.now}, Name: g}
				} else {
					return "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: operation error CloudWatch Logs: CreateLogStream, https response error StatusCode: 400, RequestID: " + uuid() + ", ResourceNotFoundException: The specified log group does not exist. : exit status 1"
				}
			}
		}
		for _, sec := range c.Secrets {
			from := aws.ToString(sec.ValueFrom)
			if p, ok := parseARN(from); ok && p.Service == "secretsmanager" {
				continue
			}
			if t.r.SSM.Params[t.paramName(from)] == nil {
				return "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: " + from
			}
		}
	}
	for _, v := range td.Volumes {
		ev := v.EfsVolumeConfiguration
		if ev == nil {
			continue
		}
		id := aws.ToString(ev.FileSystemId)
		fs := t.r.EFS.FileSystems[id]
		if fs == nil {
			return "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve \"" + id + ".efs." + t.regionName() + ".amazonaws.com\" - check that your file system ID is correct."
		}
		ok := false
		for _, mt := range t.r.EFS.MountTargets {
			if mt.FS == id && mt.AZ == i.AZ && t.reached(mt.AvailableAt) && mt.DeletedAt.IsZero() {
				ok = true
			}
		}
		if !ok {
			return "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve \"" + id + ".efs." + t.regionName() + ".amazonaws.com\" - check that your file system ID is correct, and ensure that the VPC has an EFS mount target for this file system ID."
		}
	}
	return ""
}
