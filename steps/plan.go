package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/minimalinfra/mvi/engine"
)

// Plan compares the latest design with what the cloud holds: what apply
// would create, change and delete, and the monthly cost once it has.
type Plan struct {
	Base
}

// Kind is KindPlan.
func (Plan) Kind() Kind { return KindPlan }

// Run makes the plan and leaves it in Session.Plan.
func (p Plan) Run(ctx context.Context, s *Session, out Output) error {
	if err := s.connect(ctx); err != nil {
		return err
	}
	pl, err := makePlan(ctx, s)
	if err != nil {
		return err
	}
	if out != nil {
		out.Note(PlanSummary(pl))
	}
	return nil
}

func makePlan(ctx context.Context, s *Session) (*engine.Plan, error) {
	if len(s.Arch.Resources) == 0 {
		return nil, errors.New("plan: nothing designed yet; a design step comes first")
	}
	// Someone else changing the app now: say so before a plan that
	// couldn't be applied.
	if err := engine.CheckLock(ctx, s.Engine); err != nil {
		return nil, err
	}
	// Containers can't start without their secrets: stop before any
	// change, naming the missing ones and the command that sets them.
	if err := engine.CheckSecrets(ctx, s.Engine, s.Arch); err != nil {
		return nil, err
	}
	if s.Engine.Dir == "" {
		s.Engine.Dir = s.Dir // build directories are beside mvi.toml
	}
	pl, err := engine.MakePlan(ctx, s.Engine, s.Arch)
	if err != nil {
		return nil, fmt.Errorf("plan %s: %w", s.Arch.App, err)
	}
	s.Plan = &pl
	return &pl, nil
}

// PlanSummary is the plan in one line: the counts by action and the cost.
func PlanSummary(p *engine.Plan) string {
	return fmt.Sprintf("%s: %s; about $%.2f a month once applied (prices of %s)", p.App, p.Summary(), p.MonthlyUSD, p.PricesDated)
}
