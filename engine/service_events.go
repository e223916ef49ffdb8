package engine

import (
	"context"
	"fmt"
	"sort"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/minimalinfra/mvi/engine/arch"
)

// ServiceEvent is one line of what ECS says it did to a process's service:
// "has started 1 tasks", "has reached a steady state", "is unable to place
// a task"; the first thing to read when containers don't run.
type ServiceEvent struct {
	At      time.Time `json:"at"`
	Message string    `json:"message"`
}

// ServiceEvents reads the newest n events of every process's service, newest
// first, with one DescribeServices per cluster (ten services a call, as ECS
// allows).
func ServiceEvents(ctx context.Context, cfg Config, snap Snapshot, n int) (map[string][]ServiceEvent, error) {
	byCluster := map[string][]string{} // cluster → service ARNs
	process := map[string]string{}     // service ARN → process
	for _, s := range snap.Services {
		for _, r := range s.Resources {
			p, ok := arch.ProcessOfService(r.ID)
			if !ok || r.Type != arch.TypeService || r.Attrs["cluster"] == "" {
				continue
			}
			byCluster[r.Attrs["cluster"]] = append(byCluster[r.Attrs["cluster"]], r.PhysicalID)
			process[r.PhysicalID] = p
		}
	}
	out := map[string][]ServiceEvent{}
	clusters := make([]string, 0, len(byCluster))
	for c := range byCluster {
		clusters = append(clusters, c)
	}
	sort.Strings(clusters)
	for _, c := range clusters {
		arns := byCluster[c]
		for i := 0; i < len(arns); i += 10 {
			var res *ecs.DescribeServicesOutput
			err := retrying(ctx, cfg.retry(), func() (err error) {
				res, err = cfg.Clients.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: sdkaws.String(c), Services: arns[i:min(i+10, len(arns))]})
				return err
			}, nil)
			if err != nil {
				return nil, fmt.Errorf("read the service events of %s: %w", cfg.App, err)
			}
			for _, s := range res.Services {
				p := process[sdkaws.ToString(s.ServiceArn)]
				for _, e := range s.Events { // ECS lists them newest first
					if len(out[p]) == n {
						break
					}
					out[p] = append(out[p], ServiceEvent{At: sdkaws.ToTime(e.CreatedAt), Message: sdkaws.ToString(e.Message)})
				}
			}
		}
	}
	return out, nil
}
