//! Related SMEs: for every SME, up to [`RELATED_COUNT`] others that share its technologies or
//! target markets, found once per build from the facets (which list their SMEs in index order),
//! never by comparing every SME with every other.
//!
//! A shared technology counts [`TECHNOLOGY_WEIGHT`], a shared market 1; the SMEs with the highest
//! score come first, then in the order found (technologies before markets, the nearest in id
//! order first). In each shared facet only the
//! [`NEIGHBOURS_PER_FACET`] SMEs that follow the SME in the facet's list (wrapping round) are
//! candidates, so the work grows with the number of SMEs, not with its square: a market with
//! 5,000 SMEs costs each of them 24 steps. The result depends on the facets alone, so an edit that
//! keeps the facets keeps the related SMEs.

use super::entities::Facet;
use rayon::prelude::*;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// How many related SMEs an SME shows.
pub const RELATED_COUNT: usize = 4;
/// What a shared technology counts against a shared market (1).
const TECHNOLOGY_WEIGHT: u32 = 2;
/// How many SMEs of one facet, after the SME itself, are candidates.
const NEIGHBOURS_PER_FACET: usize = 24;

/// The related SMEs of each of `sme_count` SMEs, best first, from the technology and market
/// facets.
pub fn related_smes(
    technologies: &[Facet],
    markets: &[Facet],
    sme_count: usize,
) -> Vec<Vec<usize>> {
    let mut member_of: Vec<Vec<(&[usize], u32)>> = vec![Vec::new(); sme_count];
    let weighted = technologies
        .iter()
        .map(|f| (f, TECHNOLOGY_WEIGHT))
        .chain(markets.iter().map(|f| (f, 1)));
    for (facet, weight) in weighted {
        for &s in &facet.smes {
            if let Some(list) = member_of.get_mut(s) {
                list.push((facet.smes.as_slice(), weight));
            }
        }
    }
    member_of
        .par_iter()
        .enumerate()
        .map(|(sme, facets)| best_neighbours(sme, facets))
        .collect()
}

/// The best-scored neighbours of `sme` in the facets it belongs to.
fn best_neighbours(sme: usize, facets: &[(&[usize], u32)]) -> Vec<usize> {
    let mut scores: Vec<(usize, u32)> = Vec::new();
    // Where each candidate is in `scores`.
    let mut found: HashMap<usize, usize> = HashMap::new();
    for &(members, weight) in facets {
        let Ok(position) = members.binary_search(&sme) else {
            continue;
        };
        let steps = NEIGHBOURS_PER_FACET.min(members.len() - 1);
        for step in 1..=steps {
            let other = members[(position + step) % members.len()];
            match found.entry(other) {
                Entry::Occupied(at) => scores[*at.get()].1 += weight,
                Entry::Vacant(at) => {
                    at.insert(scores.len());
                    scores.push((other, weight));
                }
            }
        }
    }
    // Stable: among equal scores, the order found (technologies first, nearest first) stays.
    scores.sort_by_key(|&(_, score)| std::cmp::Reverse(score));
    scores
        .into_iter()
        .take(RELATED_COUNT)
        .map(|(s, _)| s)
        .collect()
}

/// For each SME, the SMEs that list it as related (in index order): whose values show its card.
pub fn related_by(related: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut by = vec![Vec::new(); related.len()];
    for (sme, list) in related.iter().enumerate() {
        for &other in list {
            if let Some(holders) = by.get_mut(other) {
                holders.push(sme);
            }
        }
    }
    by
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facet(smes: &[usize]) -> Facet {
        Facet {
            name: String::new(),
            slug: String::new(),
            url: String::new(),
            output_dir: String::new(),
            smes: smes.to_vec(),
            partners: Vec::new(),
        }
    }

    #[test]
    fn a_shared_technology_outranks_a_shared_market_and_an_sme_is_never_its_own_relation() {
        // 0 and 3 share a technology; 0, 1, 2 and 3 a market; 4 shares nothing.
        let technologies = [facet(&[0, 3])];
        let markets = [facet(&[0, 1, 2, 3])];
        let related = related_smes(&technologies, &markets, 5);
        assert_eq!(related[0], vec![3, 1, 2]);
        assert_eq!(related[3], vec![0, 1, 2]);
        assert_eq!(related[4], Vec::<usize>::new());
        assert_eq!(related_by(&related)[3], vec![0, 1, 2]);
    }

    #[test]
    fn at_most_four_are_shown_and_large_facets_cost_a_bounded_number_of_steps() {
        let everyone: Vec<usize> = (0..10_000).collect();
        let related = related_smes(&[], &[facet(&everyone)], everyone.len());
        assert!(related.iter().all(|list| list.len() == RELATED_COUNT));
        // The neighbours that follow in id order, wrapping round at the end.
        assert_eq!(related[9_998], vec![9_999, 0, 1, 2]);
    }
}
