package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/release"
	"github.com/minimalinfra/mvi/engine/resource"
)

// Going back N releases must always be safe: a rollback starts an earlier
// release's task definitions again (its images and settings as they
// were, nothing rebuilt) as the same rolling deployment a release is, and
// records it as a new release. Everything it needs is checked before the
// first change, so a rollback that can't work changes nothing.
//
// The services are tagged as running a rollback, so the next plan
// releases what mvi.toml says again and says why.

// RolledBackHash is the mvi:hash prefix of a service a rollback started.
const RolledBackHash = "rollback:"

// RollbackError is a rollback refused before any change.
type RollbackError struct {
	To     int
	Reason string
	Hint   string
}

func (e *RollbackError) Error() string {
	return fmt.Sprintf("can't roll back to release %d: %s", e.To, e.Reason)
}

// Fix says what to do instead.
func (e *RollbackError) Fix() string { return e.Hint }

// RollbackTarget is the release a rollback to n goes to: n itself, or
// with n == 0 the one before the release that runs now.
func RollbackTarget(rs []release.Release, n int) (release.Release, error) {
	if len(rs) == 0 {
		return release.Release{}, &RollbackError{To: n, Reason: "the app has no releases yet", Hint: "run mvi up first; each up that changes what runs is a release"}
	}
	if n == 0 {
		if len(rs) < 2 {
			return release.Release{}, &RollbackError{To: rs[0].Number, Reason: "release 1 is the only one; there is nothing before it",
				Hint: "mvi releases lists them; a rollback needs an earlier release"}
		}
		return rs[len(rs)-2], nil
	}
	for _, r := range rs {
		if r.Number == n {
			if r.Number == rs[len(rs)-1].Number {
				return release.Release{}, &RollbackError{To: n, Reason: "it is the release that runs now", Hint: "mvi releases lists the earlier ones"}
			}
			return r, nil
		}
	}
	return release.Release{}, &RollbackError{To: n, Reason: fmt.Sprintf("there is no release %d (the app has 1 to %d)", n, rs[len(rs)-1].Number),
		Hint: "mvi releases lists them"}
}

// InKeptWindow refuses a release older than the newest keep releases:
// the registry keeps only the images those need (engine/aws
// lifecyclePolicy), so an older one may be gone now or by the next push.
// keep 0 sets no window.
func InKeptWindow(rs []release.Release, to release.Release, keep int) error {
	if keep <= 0 || len(rs) <= keep {
		return nil
	}
	oldest := rs[len(rs)-keep].Number
	if to.Number < oldest {
		return &RollbackError{To: to.Number, Reason: fmt.Sprintf("it is older than the %d releases kept ([release] keep = %d): the oldest kept is release %d", keep, keep, oldest),
			Hint: fmt.Sprintf("roll back to release %d or later (mvi releases), and raise [release] keep in mvi.toml so more releases stay possible", oldest)}
	}
	return nil
}

// Rollback starts release n again (the one before the current release
// when n is 0) and returns the new release's number.
func Rollback(ctx context.Context, cfg Config, n int, events chan<- Event) (int, error) {
	store, err := Records(ctx, cfg)
	if err != nil {
		return 0, err
	}
	rs, err := store.Releases(ctx)
	if err != nil {
		return 0, err
	}
	to, err := RollbackTarget(rs, n)
	if err != nil {
		return 0, err
	}
	if err := InKeptWindow(rs, to, cfg.ReleaseKeep); err != nil {
		return 0, err
	}
	services, err := cfg.list(ctx, arch.TypeService)
	if err != nil {
		return 0, err
	}
	if err := checkRollback(ctx, cfg, to, services); err != nil {
		return 0, err
	}
	unlock, err := lock(ctx, cfg)
	if err != nil {
		return 0, err
	}
	defer unlock()

	x := newExecutor(cfg, events, map[string]resource.Live{})
	procs := sortedProcesses(to)
	x.total = len(procs)
	h := cfg.Handlers[arch.TypeService]
	for _, p := range procs {
		live := services[arch.ServiceID(p)]
		s := Step{ID: live.ID, Type: arch.TypeService, Service: arch.Container, Action: Update,
			Reason: fmt.Sprintf("roll back to release %d", to.Number)}
		start := time.Now()
		x.emit(ctx, s, PhaseStart, "start "+to.Processes[p].TaskDefinition+" ("+to.Processes[p].Image+") again", start, nil)
		if err := x.retried(ctx, s, start, func() error { return restart(ctx, cfg, live, to) }); err != nil {
			x.emit(ctx, s, PhaseFailed, "", start, err)
			return 0, fmt.Errorf("roll back %s to release %d: %w", p, to.Number, err)
		}
		live.Attrs["task_definition"] = to.Processes[p].TaskDefinition
		if err := x.await(ctx, s, h, cfg.env(nil), live, start); err != nil {
			x.emit(ctx, s, PhaseFailed, "", start, err)
			return 0, fmt.Errorf("roll back %s to release %d: %w", p, to.Number, err)
		}
		x.done.Add(1)
		x.emit(ctx, s, PhaseDone, "", start, nil)
	}
	next, err := store.AddRelease(ctx, release.Release{Time: cfg.now(), Processes: to.Processes, Config: to.Config, RollbackOf: to.Number})
	if err != nil {
		return next, err
	}
	repos, err := cfg.list(ctx, arch.TypeRepository)
	if err != nil {
		return next, err
	}
	return next, keepImages(ctx, cfg, store, repos[arch.IDRepository], cfg.ReleaseKeep, next)
}

// restart points one service at the release's task definition and marks
// it as running a rollback.
func restart(ctx context.Context, cfg Config, live resource.Live, to release.Release) error {
	p := live.Attrs["process"]
	_, err := cfg.Clients.ECS.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: sdkaws.String(live.Attrs["cluster"]),
		Service: sdkaws.String(live.PhysicalID), TaskDefinition: sdkaws.String(to.Processes[p].TaskDefinition)})
	if err != nil {
		return err
	}
	_, err = cfg.Clients.ECS.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: sdkaws.String(live.ARN),
		Tags: []ecstypes.Tag{{Key: sdkaws.String(resource.TagHash), Value: sdkaws.String(fmt.Sprintf("%s%d", RolledBackHash, to.Number))}}})
	return err
}

// checkRollback refuses, before any change, a rollback that can't work:
// a process that has no service now, a task definition deleted since, or
// an image the registry no longer has.
func checkRollback(ctx context.Context, cfg Config, to release.Release, services map[string]resource.Live) error {
	for _, p := range sortedProcesses(to) {
		pr := to.Processes[p]
		live, ok := services[arch.ServiceID(p)]
		if !ok {
			return &RollbackError{To: to.Number, Reason: fmt.Sprintf("process %s of release %d has no service now", p, to.Number),
				Hint: "a rollback starts earlier images and settings of the processes that run; add the process back to mvi.toml and run mvi up instead"}
		}
		live.Attrs["process"] = p
		services[arch.ServiceID(p)] = live
		d, err := cfg.Clients.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: sdkaws.String(pr.TaskDefinition)})
		if err != nil || d.TaskDefinition.Status != ecstypes.TaskDefinitionStatusActive {
			why := "it is no longer registered"
			if err == nil {
				why = "it is " + string(d.TaskDefinition.Status)
			}
			return &RollbackError{To: to.Number, Reason: fmt.Sprintf("the task definition of %s (%s): %s", p, pr.TaskDefinition, why),
				Hint: "roll back to a later release (mvi releases), or change mvi.toml and run mvi up"}
		}
		if pr.Build == "" {
			continue // a public image: its registry is not the app's to check
		}
		repo, _, _ := strings.Cut(pr.Image[strings.Index(pr.Image, "/")+1:], ":")
		_, err = cfg.Clients.ECR.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: sdkaws.String(repo),
			ImageIds: []ecrtypes.ImageIdentifier{{ImageTag: sdkaws.String(pr.Build)}}})
		var gone *ecrtypes.ImageNotFoundException
		if errors.As(err, &gone) {
			return &RollbackError{To: to.Number, Reason: fmt.Sprintf("the image of %s (%s) is no longer in the registry: its lifecycle rule expired it", p, pr.Image),
				Hint: "roll back to a later release (mvi releases), and raise [release] keep in mvi.toml so more releases stay possible"}
		}
		if err != nil {
			return fmt.Errorf("check the image of %s in release %d: %w", p, to.Number, err)
		}
	}
	return nil
}

func sortedProcesses(r release.Release) []string {
	out := make([]string, 0, len(r.Processes))
	for p := range r.Processes {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// list is every live resource of one type, by logical id.
func (c Config) list(ctx context.Context, typ string) (map[string]resource.Live, error) {
	h, ok := c.Handlers[typ]
	if !ok {
		return nil, fmt.Errorf("no handler for %s", typ)
	}
	var ls []resource.Live
	if err := retrying(ctx, c.retry(), func() (err error) { ls, err = h.List(ctx, c.env(nil)); return err }, nil); err != nil {
		return nil, fmt.Errorf("list %s: %w", typ, err)
	}
	out := make(map[string]resource.Live, len(ls))
	for _, l := range ls {
		out[l.ID] = l
	}
	return out, nil
}
