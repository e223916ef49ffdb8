package engine

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/minimalinfra/mvi/engine/resource"
)

// A database deleted by mvi (down, or removed from mvi.toml with the
// person's consent) keeps a final snapshot unless told not to: the one way
// back from a mistaken delete. It is named when the plan is made, so the
// plan and the confirm say what will be kept and what it costs; it carries
// the database's tags (CopyTagsToSnapshot), so it is found again as the
// app's, and it is the one thing `down` leaves on purpose.

// FinalSnapshotID names the final snapshot of app's database taken at t:
// <app>-final-<UTC time>, an RDS identifier (a letter first, letters,
// digits and single hyphens, at most 255).
func FinalSnapshotID(app string, t time.Time) string {
	var b strings.Builder
	for _, r := range strings.ToLower(app) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else if s := b.String(); s != "" && !strings.HasSuffix(s, "-") {
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-")
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		name = "mvi-" + name
	}
	return strings.Trim(fit(name, 200), "-") + "-final-" + t.UTC().Format("20060102-150405")
}

func fit(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// keepFinalSnapshots names the final snapshot of every database the
// steps delete or replace (a duplicate left by a crash excepted: it never
// held data), on a copy of its Live, and says so in the reason.
func keepFinalSnapshots(steps []Step, cfg Config, prices *Prices) {
	if cfg.SkipFinalSnapshot {
		return
	}
	id := FinalSnapshotID(cfg.App, cfg.now())
	for i := range steps {
		s := &steps[i]
		if (s.Action != Delete && s.Action != Replace) || s.duplicate || s.Live == nil || !cfg.Handlers.Describe(s.Type).FinalSnapshot {
			continue
		}
		l := *s.Live
		l.Attrs = maps.Clone(l.Attrs)
		if l.Attrs == nil {
			l.Attrs = map[string]string{}
		}
		l.Attrs[resource.AttrFinalSnapshot] = id
		s.Live = &l
		s.Reason = strings.TrimSuffix(s.Reason, lostSuffix) + "; what it stores is lost but for a final snapshot " + id +
			", which is kept" + snapshotCost(prices, l.Attrs["storage_gib"])
	}
}

// snapshotCost is what the kept snapshot costs a month, at most: AWS bills
// the space the data uses, which the allocated storage bounds.
func snapshotCost(p *Prices, storage string) string {
	if p == nil || p.Other.RDSSnapshotGBMonth == 0 {
		return ""
	}
	per := p.Other.RDSSnapshotGBMonth
	if gib, err := strconv.Atoi(storage); err == nil && gib > 0 {
		return fmt.Sprintf(" (costs $%.3f/GB-month: at most $%.2f a month for its %d GiB, until you delete it)", per, per*float64(gib), gib)
	}
	return fmt.Sprintf(" (costs $%.3f/GB-month until you delete it)", per)
}

// KeptSnapshot is a final snapshot of the app's database that mvi left
// on purpose.
type KeptSnapshot struct {
	ID     string `json:"id"`
	ARN    string `json:"arn"`
	Status string `json:"status"`
	GiB    int    `json:"gib"`
	// Delete is the command that deletes it.
	Delete string `json:"delete"`
}

// KeptSnapshots lists the final snapshots tagged with the app.
func KeptSnapshots(ctx context.Context, cfg Config) ([]KeptSnapshot, error) {
	out := []KeptSnapshot{}
	if cfg.Clients == nil || cfg.Clients.RDS == nil {
		return out, nil
	}
	prefix := strings.TrimSuffix(FinalSnapshotID(cfg.App, time.Time{}), "00010101-000000")
	p := rds.NewDescribeDBSnapshotsPaginator(cfg.Clients.RDS, &rds.DescribeDBSnapshotsInput{SnapshotType: sdkaws.String("manual")})
	for p.HasMorePages() {
		var page *rds.DescribeDBSnapshotsOutput
		err := retrying(ctx, cfg.retry(), func() (err error) { page, err = p.NextPage(ctx); return err }, nil)
		if err != nil {
			return nil, fmt.Errorf("list the final snapshots of %s: %w", cfg.App, err)
		}
		for _, s := range page.DBSnapshots {
			id := sdkaws.ToString(s.DBSnapshotIdentifier)
			tags := map[string]string{}
			for _, t := range s.TagList {
				tags[sdkaws.ToString(t.Key)] = sdkaws.ToString(t.Value)
			}
			if !strings.HasPrefix(id, prefix) || tags[resource.TagApp] != cfg.App {
				continue
			}
			out = append(out, KeptSnapshot{ID: id, ARN: sdkaws.ToString(s.DBSnapshotArn), Status: sdkaws.ToString(s.Status),
				GiB:    int(sdkaws.ToInt32(s.AllocatedStorage)),
				Delete: "aws rds delete-db-snapshot --db-snapshot-identifier " + id + " --region " + cfg.Region})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
