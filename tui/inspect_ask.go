package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	tagtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/minimalinfra/mvi/engine"
	"github.com/minimalinfra/mvi/engine/resource"
)

// appsMsg is the apps the cloud has resources of.
type appsMsg struct {
	gen  int
	apps []string
	err  error
}

// findApps lists the apps with resources on the cloud: the values of the
// mvi:app tag, one paged Tagging API call, as Status finds an app's own.
func findApps(ctx context.Context, c engine.Config) ([]string, error) {
	p := resourcegroupstaggingapi.NewGetResourcesPaginator(c.Clients.Tagging, &resourcegroupstaggingapi.GetResourcesInput{
		TagFilters: []tagtypes.TagFilter{{Key: sdkaws.String(resource.TagApp)}},
	})
	var apps []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("find the apps: %w", err)
		}
		for _, m := range page.ResourceTagMappingList {
			for _, t := range m.Tags {
				if v := sdkaws.ToString(t.Value); sdkaws.ToString(t.Key) == resource.TagApp && v != "" && !slices.Contains(apps, v) {
					apps = append(apps, v)
				}
			}
		}
	}
	slices.Sort(apps)
	return apps, nil
}

// askApps looks for the apps off the UI thread; the question is put up
// when they are known, so it can offer them.
func (in *inspector) askApps() tea.Cmd {
	c := in.cfg()
	if c.Clients == nil || c.Clients.Tagging == nil {
		in.askWhich(nil, nil)
		return in.ask.Init()
	}
	ctx, gen := in.ctx, in.gen
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		apps, err := findApps(ctx, c)
		return appsMsg{gen: gen, apps: apps, err: err}
	}
}

// askWhich puts up "Which app?". The offer is a placeholder, not a
// value, so typing replaces it ("shop", never "helloshop") and enter on
// an empty field takes it: the app of ./mvi.toml, else the only or first
// app the cloud has, else the book's hello. huh's ctrl+e completes the
// apps found.
func (in *inspector) askWhich(apps []string, err error) {
	here := in.env.cfg.InspectApp
	offer := here
	if offer == "" && len(apps) > 0 {
		offer = apps[0]
	}
	if offer == "" {
		offer = "hello"
	}
	in.offer, in.answer = offer, ""
	var desc []string
	if here != "" {
		desc = append(desc, "./mvi.toml names "+here+".")
	}
	where := "the cloud"
	if w := in.env.cfg.Where; w != "" {
		where = w
	}
	switch {
	case err != nil:
		desc = append(desc, "Could not list the apps on "+where+": "+err.Error())
	case len(apps) == 0:
		desc = append(desc, "No app has resources on "+where+" yet.")
	default:
		desc = append(desc, "Apps on "+where+": "+strings.Join(apps, ", ")+" (ctrl+e completes).")
	}
	desc = append(desc, "Enter takes "+offer+".")
	suggest := slices.Clone(apps)
	if here != "" && !slices.Contains(suggest, here) {
		suggest = append([]string{here}, suggest...)
	}
	in.ask = huh.NewForm(huh.NewGroup(huh.NewInput().Title("Which app?").
		Description(strings.Join(desc, " ")).Placeholder(offer).Suggestions(suggest).Value(&in.answer))).
		WithTheme(huhTheme()).WithShowHelp(false).WithWidth(min(max(in.w-2, 20), 70))
}

// chosen is the app the answer names.
func (in *inspector) chosen() string {
	if a := strings.TrimSpace(in.answer); a != "" {
		return a
	}
	return in.offer
}
