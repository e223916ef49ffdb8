package steps

import (
	"context"
	"fmt"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/minimalinfra/mvi/engine/arch"
)

// Release is what a bad-release break did to one process: the revision
// that served before, the one the release registered, and how it ended.
type Release struct {
	Process string
	// Good and Bad are task definition ARNs; the images are theirs.
	Good, Bad           string
	GoodImage, BadImage string
	// Failed counts the bad revision's tasks that stopped; Reason is the
	// stoppedReason of one of them (AWS's words for why).
	Failed int
	Reason string
	// RolledBack: the service runs Good again.
	RolledBack bool
}

// Revision is the "family:N" end of a task definition ARN.
func Revision(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

// service describes the process's live ECS service.
func service(ctx context.Context, s *Session, process string) (ecstypes.Service, error) {
	l, err := s.live(ctx, arch.TypeService, arch.ServiceID(process))
	if err != nil {
		return ecstypes.Service{}, err
	}
	out, err := s.Engine.Clients.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{
		Cluster: sdkaws.String(l.Attrs["cluster"]), Services: []string{l.PhysicalID}})
	if err != nil {
		return ecstypes.Service{}, fmt.Errorf("describe the %s service: %w", process, err)
	}
	if len(out.Services) == 0 {
		return ecstypes.Service{}, fmt.Errorf("the %s service %s is gone", process, l.PhysicalID)
	}
	return out.Services[0], nil
}

// latestRevision is the newest task definition revision of the process:
// the release the manifest asks for.
func latestRevision(ctx context.Context, s *Session, process string) (string, error) {
	l, err := s.live(ctx, arch.TypeTaskDefinition, arch.TaskDefinitionID(process))
	if err != nil {
		return "", err
	}
	return l.ARN, nil
}

// imageOf is the first container's image of a task definition ("" when it
// can't be read: it only decorates a message).
func imageOf(ctx context.Context, s *Session, td string) string {
	out, err := s.Engine.Clients.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: sdkaws.String(td)})
	if err != nil || out.TaskDefinition == nil || len(out.TaskDefinition.ContainerDefinitions) == 0 {
		return ""
	}
	return sdkaws.ToString(out.TaskDefinition.ContainerDefinitions[0].Image)
}

// steady says why the service is not settled on one finished deployment
// with every container running, "" when it is.
func steady(svc ecstypes.Service) string {
	if len(svc.Deployments) != 1 {
		return fmt.Sprintf("%d deployments in flight", len(svc.Deployments))
	}
	d := svc.Deployments[0]
	if d.RolloutState != "" && d.RolloutState != ecstypes.DeploymentRolloutStateCompleted {
		return fmt.Sprintf("deployment %s (%s)", d.RolloutState, sdkaws.ToString(d.RolloutStateReason))
	}
	if svc.RunningCount != svc.DesiredCount {
		return fmt.Sprintf("%d of %d containers running", svc.RunningCount, svc.DesiredCount)
	}
	return ""
}

// failedTasks counts the stopped tasks of revision td in the service and
// returns one's stoppedReason.
func failedTasks(ctx context.Context, s *Session, svc ecstypes.Service, td string) (int, string, error) {
	cluster := svc.ClusterArn
	var arns []string
	p := ecs.NewListTasksPaginator(s.Engine.Clients.ECS, &ecs.ListTasksInput{Cluster: cluster, ServiceName: svc.ServiceName,
		DesiredStatus: ecstypes.DesiredStatusStopped})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, "", fmt.Errorf("list the stopped tasks of %s: %w", sdkaws.ToString(svc.ServiceName), err)
		}
		arns = append(arns, page.TaskArns...)
	}
	n, reason := 0, ""
	for len(arns) > 0 {
		k := min(len(arns), 100)
		out, err := s.Engine.Clients.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: cluster, Tasks: arns[:k]})
		if err != nil {
			return 0, "", fmt.Errorf("describe the stopped tasks of %s: %w", sdkaws.ToString(svc.ServiceName), err)
		}
		for _, t := range out.Tasks {
			if sdkaws.ToString(t.TaskDefinitionArn) != td {
				continue
			}
			n++
			if reason == "" {
				reason = sdkaws.ToString(t.StoppedReason)
			}
		}
		arns = arns[k:]
	}
	return n, reason, nil
}

// Released lists the processes whose release (task definition) differs
// between two designs, in the design's order.
func Released(from, to arch.Architecture) []string {
	var out []string
	for _, r := range to.Resources {
		p, ok := arch.ProcessOfTaskDefinition(r.ID)
		if !ok {
			continue
		}
		old, ok := from.Get(r.ID)
		if !ok || arch.Hash(old.Props) != arch.Hash(r.Props) {
			out = append(out, p)
		}
	}
	return out
}
