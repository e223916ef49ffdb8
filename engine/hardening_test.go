package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/smithy-go"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

func codeIs(err error, code, msg string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code && strings.Contains(ae.ErrorMessage(), msg)
}

// Issue 15 item 7: the database and file system groups open nothing, the
// VMs' metadata answers the VM alone, and the database is protected from
// deletion until mvi itself deletes it.
func TestHardenedNetworkMetadataAndDatabase(t *testing.T) {
	sb, cfg := openSandbox(t, sandbox.Options{})
	ctx := context.Background()
	if _, err := planApply(t, ctx, cfg, fullArch(t), nil); err != nil {
		t.Fatal(err)
	}
	c := sb.Clients()
	for id, wantEgress := range map[string]bool{"sg/db": false, "sg/fs": false, "sg/app": true, "sg/lb": true} {
		l, err := Find(ctx, cfg, arch.TypeSecurityGroup, id)
		if err != nil {
			t.Fatal(err)
		}
		out, err := c.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{l.PhysicalID}})
		if err != nil || len(out.SecurityGroups) != 1 {
			t.Fatalf("%s: %v", id, err)
		}
		eg := out.SecurityGroups[0].IpPermissionsEgress
		if got := len(eg) > 0; got != wantEgress {
			t.Errorf("%s has egress %v, want egress: %v", id, eg, wantEgress)
		}
		// The load balancer may reach only the containers: the VPC's
		// range on the ephemeral ports, nothing on the internet.
		if id == "sg/lb" && (len(eg) != 1 || sdkaws.ToString(eg[0].IpProtocol) != "tcp" || sdkaws.ToInt32(eg[0].FromPort) != 32768 ||
			len(eg[0].IpRanges) != 1 || sdkaws.ToString(eg[0].IpRanges[0].CidrIp) != "10.0.0.0/16") {
			t.Errorf("sg/lb egress %+v: want only tcp 32768-65535 to 10.0.0.0/16", eg)
		}
	}
	lt, err := Find(ctx, cfg, arch.TypeLaunchTemplate, "launch-template")
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.EC2.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: sdkaws.String(lt.PhysicalID), Versions: []string{"$Default"}})
	if err != nil || len(v.LaunchTemplateVersions) != 1 {
		t.Fatalf("launch template: %v", err)
	}
	mo := v.LaunchTemplateVersions[0].LaunchTemplateData.MetadataOptions
	if mo == nil || sdkaws.ToInt32(mo.HttpPutResponseHopLimit) != 1 || mo.HttpTokens != "required" {
		t.Errorf("metadata options %+v: want hop limit 1, tokens required", mo)
	}
	db, err := Find(ctx, cfg, arch.TypeDBInstance, "database")
	if err != nil {
		t.Fatal(err)
	}
	if db.Attrs["deletion_protection"] != "true" {
		t.Errorf("database deletion protection %q", db.Attrs["deletion_protection"])
	}
	_, err = c.RDS.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: sdkaws.String(db.PhysicalID), SkipFinalSnapshot: sdkaws.Bool(true)})
	if !codeIs(err, "InvalidParameterCombination", "Cannot delete protected DB Instance") {
		t.Errorf("deleting the protected database by hand: %v", err)
	}
	// Nothing drifted, nothing to change: the hardening is the design.
	p, err := MakePlan(ctx, cfg, fullArch(t))
	if err != nil {
		t.Fatal(err)
	}
	if p.Changes() != 0 {
		for _, s := range p.Steps {
			if s.Action != NoOp {
				t.Errorf("after up: %s %s: %s", s.Action, s.ID, s.Reason)
			}
		}
	}
}

// Issue 11: deleting the database keeps a final snapshot, named in the
// plan with its cost; down turns protection off, deletes, and the
// snapshot is what stays, tagged as the app's and said to be kept.
func TestDatabaseDeleteKeepsAFinalSnapshot(t *testing.T) {
	_, cfg := openSandbox(t, sandbox.Options{})
	ctx := context.Background()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cfg.Now = func() time.Time { return at }
	full := fullArch(t)
	if _, err := planApply(t, ctx, cfg, full, nil); err != nil {
		t.Fatal(err)
	}
	m := fullManifest()
	m.Database = nil
	noDB, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	p, err := MakePlan(ctx, cfg, noDB)
	if err != nil {
		t.Fatal(err)
	}
	want := "a final snapshot shop-final-20260102-030405, which is kept (costs $0.095/GB-month: at most $1.90 a month for its 20 GiB"
	found := false
	for _, s := range p.Steps {
		if s.ID == "database" {
			found = true
			if s.Action != Delete || !s.DataLoss || !strings.Contains(s.Reason, want) || strings.Contains(s.Reason, lostSuffix) {
				t.Errorf("database step %s (data loss %v): %q, want it to contain %q", s.Action, s.DataLoss, s.Reason, want)
			}
		}
	}
	if !found {
		t.Fatal("the plan doesn't delete the database")
	}
	if err := Destroy(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
	kept, err := KeptSnapshots(ctx, cfg)
	if err != nil || len(kept) != 1 || kept[0].ID != "shop-final-20260102-030405" || kept[0].GiB != 20 ||
		!strings.Contains(kept[0].Delete, "delete-db-snapshot --db-snapshot-identifier shop-final-20260102-030405") {
		t.Fatalf("kept %+v, %v", kept, err)
	}
	snap, err := Status(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Total != 0 || len(snap.Kept) != 1 || !strings.HasSuffix(snap.Kept[0], ":snapshot:shop-final-20260102-030405") || len(snap.Unhandled) != 0 {
		t.Errorf("status after down: total %d, kept %v, unhandled %v", snap.Total, snap.Kept, snap.Unhandled)
	}
	// A second down finds no database, so it takes no second snapshot.
	if err := Destroy(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.Clients.RDS.DeleteDBSnapshot(ctx, &rds.DeleteDBSnapshotInput{DBSnapshotIdentifier: sdkaws.String(kept[0].ID)}); err != nil {
		t.Fatal(err)
	}
	if kept, _ := KeptSnapshots(ctx, cfg); len(kept) != 0 {
		t.Errorf("after deleting it: %+v", kept)
	}
}

// --no-final-snapshot: the database goes with nothing kept.
func TestNoFinalSnapshotKeepsNone(t *testing.T) {
	_, cfg := openSandbox(t, sandbox.Options{})
	ctx := context.Background()
	src := "name = \"shop\"\n[processes.worker]\nimage = \"busybox\"\n[database]\n"
	m, err := manifest.Parse("mvi.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := planApply(t, ctx, cfg, a, nil); err != nil {
		t.Fatal(err)
	}
	cfg.SkipFinalSnapshot = true
	if err := Destroy(ctx, cfg, nil); err != nil {
		t.Fatal(err)
	}
	if kept, err := KeptSnapshots(ctx, cfg); err != nil || len(kept) != 0 {
		t.Errorf("kept %+v, %v", kept, err)
	}
}
