-- One row per atlas node: every model of the snapshot plus a placeholder per missing parent. Structure is read
-- from the cycle-free edges (`atlas_edges.breaks_cycle` dropped): weakly connected component, roots, depth
-- (longest path from a root), descendants (each counted once, also below a merge's diamond) and
-- `sub_tree_downloads` (own + every descendant's 30-day downloads).
with recursive

edges as (
    select base_model_id, model_id, relation, base_is_placeholder
    from {{ ref('atlas_edges') }}
    where snapshot_date = {{ build_snapshot_date() }} and not breaks_cycle
),

nodes as (
    select id as model_id, false as is_placeholder, coalesce(downloads, 0) as downloads, created_at
    from {{ ref('models') }}
    where snapshot_date = {{ build_snapshot_date() }}
    union all
    select distinct base_model_id, true, 0, null::timestamptz from edges where base_is_placeholder
),

-- Every (ancestor, descendant, path length); `union` dedups, and the graph is acyclic, so this ends.
paths(ancestor, descendant, length) as (
    select base_model_id, model_id, 1 from edges
    union
    select p.ancestor, e.model_id, p.length + 1 from paths as p inner join edges as e on e.base_model_id = p.descendant
),

parents as (
    select
        model_id,
        count(*) as parent_count,
        list(distinct relation order by relation) as parent_relations
    from edges
    group by model_id
),

-- A node without parents is a root; the roots of a node are its parentless ancestors.
roots as (
    select p.descendant as model_id, list(distinct p.ancestor order by p.ancestor) as roots
    from paths as p
    anti join parents as a on a.model_id = p.ancestor
    group by p.descendant
),

below as (
    select p.ancestor as model_id, count(*) as descendants, sum(n.downloads) as descendant_downloads
    from (select distinct ancestor, descendant from paths) as p
    inner join nodes as n on n.model_id = p.descendant
    group by p.ancestor
),

depth as (
    select descendant as model_id, max(length) as depth from paths group by descendant
),

-- Weak components without propagating over every edge: an edge joins a node to its parent's roots, so two nodes
-- are connected exactly when their roots are linked through nodes with several roots (below merges). Labels
-- propagate over those root links only (`using key`: one label per root, revisiting only roots whose label just
-- dropped), then each component is named by its smallest member id.
root_links as (
    select roots[1] as a, unnest(roots[2:]) as b from roots where len(roots) > 1
),

undirected_links as (
    select a, b from root_links
    union all
    select b, a from root_links
),

root_labels(root, label) using key (root) as (
    select distinct a, a from undirected_links
    union
    select u.b, min(l.label)
    from root_labels as l
    inner join undirected_links as u on u.a = l.root
    left join recurring.root_labels as r on r.root = u.b
    group by u.b
    having min(l.label) < min(r.label)
),

root_groups as (
    select
        n.model_id,
        coalesce(g.label, coalesce(r.roots, [n.model_id])[1]) as root_group
    from nodes as n
    left join roots as r using (model_id)
    left join root_labels as g on g.root = coalesce(r.roots, [n.model_id])[1]
),

components as (
    select model_id, min(model_id) over (partition by root_group) as component_id
    from root_groups
),

atlas as (
    select
        n.model_id,
        n.is_placeholder,
        c.component_id,
        count(*) over (partition by c.component_id) as component_size,
        coalesce(r.roots, [n.model_id]) as roots,
        coalesce(d.depth, 0) as depth,
        coalesce(p.parent_count, 0) as parent_count,
        case
            when p.model_id is null then 'root'
            when len(p.parent_relations) = 1 then p.parent_relations[1]
            when list_contains(p.parent_relations, 'merge') then 'merge'
            else 'mixed'
        end as relation_type,
        coalesce(p.parent_relations, []::varchar[]) as parent_relations,
        coalesce(b.descendants, 0) = 0 as is_leaf,
        coalesce(b.descendants, 0) as descendants,
        n.downloads,
        n.downloads + coalesce(b.descendant_downloads, 0) as sub_tree_downloads,
        n.created_at
    from nodes as n
    inner join components as c using (model_id)
    left join parents as p using (model_id)
    left join roots as r using (model_id)
    left join below as b using (model_id)
    left join depth as d using (model_id)
),

-- A component's family is named by its most downloaded (sub-tree) root, e.g. `meta-llama/Meta-Llama-3-8B`.
families as (
    select component_id, arg_max(model_id, (sub_tree_downloads, model_id)) as component_root
    from atlas
    where relation_type = 'root'
    group by component_id
)

select
    a.*,
    f.component_root,
    {{ build_snapshot_date() }} as snapshot_date
from atlas as a
left join families as f using (component_id)
