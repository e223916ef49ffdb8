package engine

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/minimalinfra/mvi/engine/manifest"
	"github.com/minimalinfra/mvi/engine/sandbox"
)

func vmsDesign(t *testing.T, vms int) arch.Architecture {
	t.Helper()
	m, err := manifest.Parse("mvi.toml", []byte("name = \"shop\"\n[vm]\ncount = "+strconv.Itoa(vms)+"\n[processes.web]\nimage = \"httpd\"\nport = 80\n[database]\n"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Issue 11: a plan says what the app costs once applied and how that
// differs from what runs now, read from the live resources.
func TestPlanCostAgainstWhatRunsNow(t *testing.T) {
	_, cfg := openSandbox(t, sandbox.Options{})
	ctx := context.Background()
	prices, err := LoadPrices("us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	two := vmsDesign(t, 2)
	first, err := MakePlan(ctx, cfg, two)
	if err != nil {
		t.Fatal(err)
	}
	if first.NowMonthlyUSD != 0 || !strings.Contains(first.CostChange(), "nothing of it runs yet") {
		t.Errorf("before up: now $%.2f, %q", first.NowMonthlyUSD, first.CostChange())
	}
	if err := Apply(ctx, cfg, first, nil); err != nil {
		t.Fatal(err)
	}
	same, err := MakePlan(ctx, cfg, two)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(same.NowMonthlyUSD-same.MonthlyUSD) > 0.001 || same.CostChange() != "the same as now" {
		t.Errorf("after up: now $%.2f, designed $%.2f, %q", same.NowMonthlyUSD, same.MonthlyUSD, same.CostChange())
	}
	// One VM more, and a bigger database: the difference is what those
	// cost, from the price table, and "now" is still what runs.
	m, _ := manifest.Parse("mvi.toml", []byte("name = \"shop\"\n[vm]\ncount = 3\n[processes.web]\nimage = \"httpd\"\nport = 80\n[database]\nsize = \"db.t4g.small\"\n"))
	bigger, err := arch.Design(m)
	if err != nil {
		t.Fatal(err)
	}
	grow, err := MakePlan(ctx, cfg, bigger)
	if err != nil {
		t.Fatal(err)
	}
	h, o := prices.HoursPerMonth, prices.Other
	vm := (prices.EC2Hourly["t3.small"]+o.PublicIPv4Hourly)*h + 30*o.EBSGp3GBMonth
	db := (prices.RDSHourly["db.t4g.small"] - prices.RDSHourly["db.t4g.micro"]) * h
	if math.Abs(grow.NowMonthlyUSD-same.MonthlyUSD) > 0.001 {
		t.Errorf("now $%.2f while growing, want what runs, $%.2f", grow.NowMonthlyUSD, same.MonthlyUSD)
	}
	if d := grow.MonthlyUSD - grow.NowMonthlyUSD; math.Abs(d-(vm+db)) > 0.01 {
		t.Errorf("difference $%.2f, want a VM ($%.2f) and the bigger database ($%.2f)", d, vm, db)
	}
	if want := "+$" + strconv.FormatFloat(vm+db, 'f', 2, 64) + " from now"; grow.CostChange() != want {
		t.Errorf("said %q, want %q", grow.CostChange(), want)
	}
}
