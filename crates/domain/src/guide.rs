//! Smart guide (智能导办): a question asked the way people talk ("孩子刚出生要办什么")
//! answered with the items (事项) and `一件事` bundles that fit, ranked, or with
//! "nothing fits" (无匹配) so the page sends the person to the help desk (咨询台)
//! and 12345 instead of listing weak matches.
//!
//! How a question is answered (the rule, also in docs/domain.md):
//! 1. the question is lower-cased, full-width letters and digits made half-width and
//!    traditional characters made simplified (身份證 → 身份证), and the words voice input
//!    mishears or people misspell (`fix` lines: 户口苯 → 户口本, 滴保 → 低保) rewritten as
//!    the words meant, which every later step reads; a stretch of three to five characters
//!    that sounds like one hall word and is no word itself is read as that word (公鸡金 →
//!    公积金, 营业只照 → 营业执照: [`crate::guide_sound`]);
//! 2. the hall's vocabulary ([`VOCABULARY`], versioned with govhall, plus the phrases an
//!    admin adds) is matched as substrings, every phrase in one pass of an Aho–Corasick automaton: a `syn` entry adds catalog words to the
//!    question (生孩子 → 出生 新生儿), a `goto` entry points straight at items or bundles
//!    (身后事 → YJS-005) and adds [`PHRASE_BOOST`] to them; set phrases also match
//!    the question without the measure words and counts inside them (注册个公司 →
//!    注册公司, 养几百头猪 → 养猪) and without 了, 刚, 已经, 都 or 的 between their words
//!    (离了婚 → 离婚, 老人刚过世 → 老人过世, 居住的证 → 居住证);
//! 3. jieba cuts the question into words; stop words (怎么、办理、需要, family, time and
//!    place words: 闺女、明天、村里…) are dropped, and so is the filler jieba glues to a
//!    word (想开 → 开, 办个 → 办, 几千只 → nothing) or two stop words glued into one
//!    (少儿英语 → nothing); the rest are the question's content words;
//! 4. items and bundles are ranked with BM25 over weighted fields (name, keywords, a
//!    bundle's description and its items' names, materials, department); what the asker
//!    puts aside (the words after 除了: 除了营业执照还要办什么证), says they already have
//!    (营业执照有了 还差食品那个证, 刚办好执照) or tells who they are (`who` lines: 退休教师,
//!    下岗职工) counts [`ASIDE_WEIGHT`];
//! 5. nothing fits when the best score is below [`MIN_SCORE`]; or when fewer than
//!    [`MIN_COVERAGE`] of the content words' characters are hall vocabulary (a word of an
//!    item's or bundle's name, keywords, description, materials or department, or a
//!    vocabulary phrase, or what a business being opened does: 开个修鞋配钥匙的小铺子, 开个修电瓶车的门面), or fewer
//!    than [`MIN_PHRASE_COVERAGE`] when the question holds a set phrase; or when it holds
//!    an `off` word, an everyday matter the hall does not handle (天气、好吃、高铁票、作业、
//!    投诉…), that does not lie inside a hall phrase (飞机 in 坐飞机 is the hall's) or in
//!    what a business being opened does (唱歌 in 开个唱歌的歌厅), and is not what a proof
//!    of the hall's is needed for: before a 要 of its clause followed by a hall phrase and a
//!    证明 (or 记录, 单子, 清单, 凭证), with no off word (办签证要近一年交个人所得税的证明), and is not what a quarrel is
//!    about: before a mediation word (调解、调停、说和、劝和), or after one asked for (想找人调解，楼上漏水),
//!    in a question with no court word
//!    (法院、起诉、判决: 楼上漏水泡了我家 能找人调解吗), and is not a paper asked about as what to
//!    bring (体检报告要不要, 要拿银行卡去吗, 购置税那张票要不要), and does not only tell where
//!    something happened (钱包在公交车上被偷了) or when the matter is done (钱多久能到账, 证明周末能开吗);
//!    a one-character `off` word (贵、玩、好) counts only as the question's last word, and not
//!    after a verb whose result it tells (一次弄好) or after what was agreed (都谈好了); or
//!    when it names a business the hall licenses or a price (`biz`: 理发店、网吧、多少钱)
//!    but nothing of opening, running or paying for one (`act`: 开、办、许可、交…): a
//!    customer's question (网吧包夜多少钱); or when it asks about another place's matter: an
//!    `away` place (a province, a city, a neighbouring county; not one the catalog names) followed
//!    by 的, 那边的, 那里的 or 当地的 and a word that is not a workplace, hospital or person
//!    (苏州的公积金, 新沂那边的低保), or named (not as where the asker comes from: 河南来的) in a
//!    question with nothing that brings the matter here (转回, 打工, 住院, 这边…) and none of the
//!    hall's own places (户口在新沂 想申请低保, 常州交的公积金), or named with a house, land or shop
//!    a few characters on (灌云那套房子…能在东海办吗): that place's hall handles it;
//! 6. otherwise the answers are those scoring at least [`RELATIVE_CUTOFF`] of the best (a bundle
//!    among them gains [`ALL_AT_ONCE_BOOST`] when the asker wants it all done at once: 能一趟办完吗,
//!    一个窗口, 一起办),
//!    at most [`MAX_ANSWERS`].

use crate::catalog::{Bundle, Item};
use crate::guide_similar::{SimilarIndex, SimilarQuestion};
use crate::guide_sound::SoundIndex;
use crate::search::{Tokenizer, is_cjk};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The hall's own vocabulary shipped with govhall (stop words, synonyms of words,
/// life events and colloquial phrases → bundles and items). Its first line names its version.
pub const VOCABULARY: &str = include_str!("guide_vocabulary.txt");

/// Added to an item or bundle a vocabulary or admin phrase points at.
pub const PHRASE_BOOST: f32 = 6.0;
/// The best answer must score at least this (BM25 plus boosts) for anything to fit.
pub const MIN_SCORE: f32 = 3.0;
/// Share of the question's content characters that must be hall vocabulary.
pub const MIN_COVERAGE: f32 = 0.5;
/// Share needed when the question holds a set phrase (a `goto` line, an admin's
/// phrase or a catalog keyword): the phrase is evidence enough for fewer hall words.
pub const MIN_PHRASE_COVERAGE: f32 = 0.3;
/// A clause counts on its own for the share of hall words when it has at least this many
/// content characters.
pub const CLAUSE_MIN_CHARS: usize = 4;
/// A clause this much hall words lets a long story through…
pub const CLAUSE_COVERAGE: f32 = 0.8;
/// …when at least this share of the whole question is hall words.
pub const CLAUSE_WHOLE_MIN: f32 = 0.3;
/// Answers below this share of the best score are left out (weak matches).
pub const RELATIVE_CUTOFF: f32 = 0.35;
/// At most this many answers.
pub const MAX_ANSWERS: usize = 5;
/// Where (from 0) the code the similar questions suggest joins the answers when the rules
/// did not rank it among the first three: third, after the rules' two best.
pub const SIMILAR_PLACE: usize = 2;
/// Longest question accepted (characters).
pub const MAX_QUESTION_CHARS: usize = 100;
/// Longest question kept in the log of questions that found nothing.
pub const MAX_LOGGED_CHARS: usize = 40;

/// A house, land or shop: a matter of the place it lies in (属地), whoever asks where.
const AWAY_PROPERTY: [&str; 9] = [
    "房子",
    "房产",
    "套房",
    "二手房",
    "宅基地",
    "门面",
    "店",
    "林地",
    "的树",
];
/// How many characters after a place a house, land or shop is read as lying there.
const AWAY_PROPERTY_REACH: usize = 6;

/// Done in a place (registered, paid, opened, bought, issued there), followed by 的 or 了: 在苏州办的
/// 执照, 徐州开的公司, 南京交的公积金, 宿迁办的残疾证. The matter stays that place's even when asked to be
/// done here, unless it is brought here ([`AWAY_BROUGHT`]) or the whole country does it anywhere
/// ([`AWAY_NATIONWIDE`]).
const AWAY_DONE: [&str; 13] = [
    "办", "注册", "登记", "交", "缴", "参保", "开", "领", "发", "买", "考", "申请", "备案",
];
/// After 在 and a place, or a place and 那边, an act asking to do the matter there (在苏州提出来,
/// 南京那边领): that place's matter, unless the hall's place or 这边 comes after it.
const AWAY_ASKED_THERE: [&str; 8] = ["办", "提", "领", "申请", "取", "补", "退休", "交"];
/// Only after a place and 那边 (not after 在 alone: 我人在苏州能网上申请吗 is where the asker is),
/// a question asking the same (南京那边能领吗, 沭阳那边要带什么).
const AWAY_ASKED_YONDER: [&str; 6] = ["能", "可以", "可不可以", "要", "怎么", "咋"];
/// Before a place, where a household or a record moves to (落到沭阳, 迁到苏州): that place's matter.
const AWAY_TAKEN: [&str; 6] = ["落到", "迁到", "迁去", "落去", "迁往", "迁回"];
/// Before a place, where a trip or a route goes (飞深圳, 东海到上海的班线): not the matter's place.
const AWAY_BOUND: [&str; 2] = ["到", "飞"];
/// Where the asker worked or once ran a shop, said after a house or shop there (在上海饭店当厨师, 在苏州开过
/// 奶茶店): a workplace or a past, not property.
const AWAY_WORKED: [&str; 8] = ["当", "上班", "打工", "干活", "工作", "做工", "开过", "干过"];
/// Right after a place, asking where there (苏州哪里上户口, 灌云哪个部门管): that place's matter.
const AWAY_WHERE: [&str; 6] = ["哪里", "哪儿", "哪个部门", "去哪", "到哪", "什么地方"];
/// Offices a matter was done at, between the place and what was done (苏州公证处办的).
const AWAY_OFFICES: [&str; 7] = ["处", "局", "所", "中心", "大厅", "窗口", "医院"];
/// How many characters after a place an office may end.
const AWAY_OFFICE_REACH: usize = 8;
/// What is done to a company itself: with them, that place's company (苏州的公司要注销) is that
/// place's matter, not where the asker worked.
const AWAY_COMPANY_MATTER: [&str; 8] = [
    "注销",
    "变更",
    "改名",
    "换法人",
    "年报",
    "吊销",
    "股权",
    "税务登记",
];
/// The same said before the place: 公司注册在徐州, 饭店开在新沂.
const AWAY_DONE_AT: [&str; 7] = ["注册在", "登记在", "开在", "参保在", "交在", "厂在", "厂子在"];
/// Words that bring a matter done elsewhere here (接到这边, 转回来, 搬来东海).
const AWAY_BROUGHT: [&str; 16] = [
    "转回",
    "开回",
    "带回",
    "拉回",
    "运回",
    "转过来",
    "转到",
    "转入",
    "转移",
    "接到",
    "接过来",
    "接续",
    "搬来",
    "搬到",
    "迁来",
    "迁到",
];
/// Papers any hall of the country issues again, wherever the first was (驾照在山东考的 到期了这边能换吗).
const AWAY_NATIONWIDE: [&str; 6] = ["驾照", "驾驶证", "身份证", "护照", "通行证", "签注"];

/// Where the asker worked or was treated, also with a word before it (苏州的大医院, 上海的一家公司).
const AWAY_PLACES_OF_WORK: [&str; 4] = ["医院", "公司", "工厂", "单位"];

/// After "another place's", words that name where the asker worked or comes from, not a matter
/// of that place's hall (with [`AWAY_PLACES_OF_WORK`]).
const AWAY_NOT_MATTER: [&str; 17] = [
    "厂", "人", "在", "工地", "工人", "老板", "我", "他", "她", "亲戚", "朋友", "同学", "老乡", "哥", "姐",
    "弟", "妹",
];

/// People from another place (河南的工人, 赣榆的人, 沭阳的亲戚): where they come from, no matter's place.
const AWAY_PEOPLE: [&str; 9] = [
    "人", "工人", "老乡", "亲戚", "朋友", "同学", "媳妇", "女婿", "小伙",
];

/// Words that bring a matter of another place here or tell a trip there: with them, naming
/// another place is not asking about its matter (在苏州打工 社保转回来, 去上海住院 备案).
const AWAY_HERE: [&str; 36] = [
    "做生意",
    "开店",
    "转回",
    "接到",
    "接过来",
    "火车",
    "转过来",
    "转过去",
    "转到",
    "转入",
    "转移",
    "接续",
    "回来",
    "回老家",
    "异地",
    "外地",
    "打工",
    "上班",
    "应聘",
    "住院",
    "医院",
    "看病",
    "就医",
    "手术",
    "那边用",
    "出差",
    "旅游",
    "玩",
    "考试",
    "读书",
    "飞机",
    "高铁",
    "这边",
    "这里",
    "本地",
    "咱这",
];

/// Added to a bundle among the answers when the asker wants it all done at once.
pub const ALL_AT_ONCE_BOOST: f32 = 2.0 * PHRASE_BOOST;
/// How people ask for several things done in one go: the 一件事 bundles' promise.
const ALL_AT_ONCE: [&str; 16] = [
    "一起办",
    "一起弄",
    "一块办",
    "一块儿办",
    "一次办完",
    "一次弄完",
    "一次办好",
    "一回弄完",
    "一回办完",
    "一趟办完",
    "一趟弄完",
    "一个窗口",
    "一次性办",
    "一站式",
    "一次都办",
    "一起都办",
];

/// Numerals, as people write them in a question (七十多, 两层, 几千).
const NUMERALS: &str = "0123456789〇零一二三四五六七八九十百千万两几多半俩仨";
/// Measure words glued to the end of a word (办个, 加点, 一批, 两台, 几百头).
const MEASURES: &str = "个只张批层次下套点块份件间户位名台辆条棵座栋头";
/// Measure words that, after a numeral, a set phrase is matched without (养几百头猪 →
/// 养猪, 买了两台收割机 → 买收割机): a count says how many, never what.
const COUNTED: &str = "个只台辆条棵座栋头匹家间";
/// What a set phrase is matched without when it lies inside one: the aspect particle 了 and
/// the adverbs of time and degree people put between a verb and its object or its subject
/// (离了婚 → 离婚, 老人刚过世 → 老人过世, 房子已经过户 → 房子过户), and the 的 people put
/// between a word and what it names ([`DE`]: 居住的证 → 居住证).
const INSIDE_FILLER: [&str; 6] = ["刚刚", "已经", "刚", "了", "都", DE];
/// The particle people put inside a set phrase, between a word and what it names (居住的证,
/// 个人所得税的证明).
const DE: &str = "的";
/// Units that, after a numeral, make a word only a count (二十年, 三个月).
const UNITS: &str = "年月天日岁号周";

const NAME_WEIGHT: f32 = 3.0;
const KEYWORD_WEIGHT: f32 = 2.5;
const DESCRIPTION_WEIGHT: f32 = 1.5;
const RELATED_WEIGHT: f32 = 0.6;
const DEPARTMENT_WEIGHT: f32 = 0.4;
const MATERIAL_WEIGHT: f32 = 0.3;
const SYNONYM_WEIGHT: f32 = 0.8;
/// Verbs whose result a one-character word after them tells (弄好, 办好, 做好).
/// Also what was agreed (谈好, 说好, 商量好, 定好, 约好) and when a matter is done (多久能好,
/// 当天就好).
const RESULT_VERBS: &str = "弄办做搞填写备修交领拿谈说量定签讲约想能就才";
/// What an everyday word before it turns into a business (家具厂, 面包店, 火锅馆).
const BUSINESS_SUFFIXES: &str = "厂店铺馆坊";
/// What a business being opened is called after the words saying what it does
/// (开个修鞋配钥匙的小铺子, 开个唱歌的歌厅, 开个修电瓶车的门面): one of these within the few
/// characters after 的 (门 of 门面, 门市, 门脸).
const BUSINESS_NOUNS: &str = "厂店铺馆坊厅摊门";
/// Longest description of what a business being opened does (characters between 开 and 的).
const MAX_BUSINESS_DESCRIPTION: usize = 12;
/// How much the words after 除了 count (除了营业执照还要办什么证): the asker names
/// what they already have; what they ask about is the rest.
pub const ASIDE_WEIGHT: f32 = 0.2;
/// How much a document that holds a term only among its materials or department
/// counts towards the term's document frequency (1 for one holding it in its name,
/// keywords or description): 身份证, a material of nearly every item, stays a word
/// that picks out 居民身份证补领 (身份证补办).
const SECONDARY_DF_SHARE: f32 = 0.1;
const K1: f32 = 1.2;
const B: f32 = 0.6;

/// What an answer is: an item (事项) or a bundle (一件事).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GuideKind {
    Item,
    Bundle,
}

impl GuideKind {
    pub fn code(self) -> &'static str {
        match self {
            GuideKind::Item => "item",
            GuideKind::Bundle => "bundle",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GuideKind::Item => "事项",
            GuideKind::Bundle => "一件事",
        }
    }

    pub fn parse(s: &str) -> Option<GuideKind> {
        match s {
            "item" => Some(GuideKind::Item),
            "bundle" => Some(GuideKind::Bundle),
            _ => None,
        }
    }
}

/// What the guide knows of one item or bundle.
#[derive(Debug, Clone)]
pub struct GuideDoc {
    pub code: String,
    pub kind: GuideKind,
    pub name: String,
    pub keywords: Vec<String>,
    pub description: String,
    /// A bundle's items' names and keywords.
    pub related: Vec<String>,
    pub materials: Vec<String>,
    pub department: String,
}

impl GuideDoc {
    pub fn item(i: &Item) -> GuideDoc {
        GuideDoc {
            code: i.code.clone(),
            kind: GuideKind::Item,
            name: i.name.clone(),
            keywords: i.keywords.clone(),
            description: String::new(),
            related: Vec::new(),
            materials: i.materials.iter().map(|m| m.name.clone()).collect(),
            department: i.department.clone(),
        }
    }

    /// A bundle, described also by the names of its items (found in `items`).
    pub fn bundle(b: &Bundle, items: &[Item]) -> GuideDoc {
        let related = b
            .items
            .iter()
            .filter_map(|code| items.iter().find(|i| &i.code == code))
            .map(|i| i.name.clone())
            .collect();
        GuideDoc {
            code: b.code.clone(),
            kind: GuideKind::Bundle,
            name: b.name.clone(),
            keywords: Vec::new(),
            description: b.description.clone(),
            related,
            materials: Vec::new(),
            department: String::new(),
        }
    }
}

/// Every item and bundle of a catalog as guide documents.
pub fn catalog_docs(items: &[Item], bundles: &[Bundle]) -> Vec<GuideDoc> {
    items
        .iter()
        .map(GuideDoc::item)
        .chain(bundles.iter().map(|b| GuideDoc::bundle(b, items)))
        .collect()
}

#[derive(Debug, Clone)]
enum Target {
    /// Catalog words added to the question.
    Words(Vec<String>),
    /// Items or bundles the phrase points at.
    Codes(Vec<String>),
}

#[derive(Debug, Clone)]
struct Entry {
    triggers: Vec<String>,
    target: Target,
}

/// The hall's vocabulary: stop words, word synonyms and phrases pointing at codes.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    version: String,
    stop: HashSet<String>,
    /// Words of everyday matters the hall does not handle (`off` lines).
    off: Vec<String>,
    /// Kinds of business the hall licenses (`biz` lines: 理发店, 网吧, 饭店…): asked
    /// about as a customer, they are not the hall's.
    business: Vec<String>,
    /// Other places (`away` lines: provinces, cities, neighbouring counties): a hall matter of
    /// another place (苏州的公积金, 新沂那边的低保) is that place's hall's, not this one's.
    away: Vec<String>,
    /// Who the asker is or was (`who` lines: 退休教师, 退休前, 下岗职工): background, counted
    /// little like what the asker already has (我妈是退休教师 过世了 丧葬的钱 → the funeral grant).
    who: Vec<String>,
    /// What running one takes (`act` lines: 开, 办, 经营, 许可…).
    acts: HashSet<String>,
    /// How voice input and typing mishear or misspell the hall's words (`fix` lines:
    /// 户口苯 → 户口本, 滴保 → 低保), each rewritten before anything else is read.
    fixes: Vec<(String, String)>,
    entries: Vec<Entry>,
    /// 相似问法: questions asked before and what the hall answers ([`crate::guide_similar`]).
    similar: Vec<SimilarQuestion>,
}

/// A line of the vocabulary file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("词表第{line}行：{reason}")]
pub struct VocabularyError {
    pub line: usize,
    pub reason: String,
}

impl Vocabulary {
    /// The vocabulary shipped with govhall ([`VOCABULARY`]); a test proves it parses.
    pub fn shipped() -> Vocabulary {
        let mut v = Vocabulary::parse(VOCABULARY).unwrap_or_default();
        v.similar = crate::guide_similar::shipped();
        v
    }

    /// Reads the vocabulary format: `version N`, `stop w1 w2 …`, `off w1 w2 …`,
    /// `biz w1 w2 …`, `act w1 w2 …`, `fix wrong1 wrong2 = right` (a misheard or misspelt
    /// word rewritten in the question before it is read),
    /// `syn a b c = word word` (words added to the question when a, b or c occurs)
    /// and `goto a b c = CODE CODE` (the codes the phrases point at). `#` starts a comment.
    pub fn parse(text: &str) -> Result<Vocabulary, VocabularyError> {
        let mut v = Vocabulary::default();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let err = |reason: &str| VocabularyError {
                line: n + 1,
                reason: reason.to_owned(),
            };
            let (head, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            match head {
                "version" => v.version = rest.trim().to_owned(),
                "stop" => v.stop.extend(rest.split_whitespace().map(|w| w.to_lowercase())),
                "off" => v.off.extend(rest.split_whitespace().map(|w| w.to_lowercase())),
                "away" => v.away.extend(rest.split_whitespace().map(str::to_owned)),
                "who" => v.who.extend(rest.split_whitespace().map(|w| w.to_lowercase())),
                "biz" => v
                    .business
                    .extend(rest.split_whitespace().map(|w| w.to_lowercase())),
                "act" => v.acts.extend(rest.split_whitespace().map(|w| w.to_lowercase())),
                "fix" => {
                    let (left, right) = rest.split_once('=').ok_or_else(|| err("缺少“=”"))?;
                    let right: Vec<&str> = right.split_whitespace().collect();
                    let [right] = right.as_slice() else {
                        return Err(err("“=”右边要有且只有一个词"));
                    };
                    let wrong: Vec<String> = left.split_whitespace().map(|w| w.to_lowercase()).collect();
                    if wrong.is_empty() {
                        return Err(err("“=”两边都要有内容"));
                    }
                    v.fixes
                        .extend(wrong.into_iter().map(|w| (w, right.to_lowercase())));
                }
                "syn" | "goto" => {
                    let (left, right) = rest.split_once('=').ok_or_else(|| err("缺少“=”"))?;
                    let triggers: Vec<String> = left.split_whitespace().map(|w| w.to_lowercase()).collect();
                    let targets: Vec<String> = right.split_whitespace().map(str::to_owned).collect();
                    if triggers.is_empty() || targets.is_empty() {
                        return Err(err("“=”两边都要有内容"));
                    }
                    let target = if head == "syn" {
                        Target::Words(targets.iter().map(|w| w.to_lowercase()).collect())
                    } else {
                        Target::Codes(targets)
                    };
                    v.entries.push(Entry { triggers, target });
                }
                _ => {
                    return Err(err(
                        "应以 version、stop、off、biz、act、who、away、fix、syn 或 goto 开头",
                    ));
                }
            }
        }
        Ok(v)
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    /// Adds a phrase (常用说法) an admin entered, pointing at one item or bundle.
    pub fn add_phrase(&mut self, phrase: &str, code: &str) {
        let p = normalize(phrase);
        if !p.is_empty() {
            self.entries.push(Entry {
                triggers: vec![p],
                target: Target::Codes(vec![code.to_owned()]),
            });
        }
    }

    /// Adds a similar question (相似问法) an admin answered: the items or bundles that fit, or
    /// none when the matter is not the hall's.
    pub fn add_similar(&mut self, question: &str, codes: &[String]) {
        if has_content(question) {
            self.similar.push(SimilarQuestion {
                source: "admin".to_owned(),
                codes: codes.to_vec(),
                question: question.to_owned(),
            });
        }
    }

    /// Leaves out the similar questions of one source (a test scores a shipped set with the
    /// guide built without it).
    pub fn drop_similar_from(&mut self, source: &str) {
        self.similar.retain(|q| q.source != source);
    }

    /// The similar questions (相似问法).
    pub fn similar_questions(&self) -> &[SimilarQuestion] {
        &self.similar
    }

    /// The `off` words: everyday matters the hall does not handle.
    pub fn off_words(&self) -> &[String] {
        &self.off
    }

    /// Every phrase of a `syn` or `goto` line.
    pub fn triggers(&self) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .flat_map(|e| e.triggers.iter().map(String::as_str))
    }

    /// Each `syn` line: its triggers and the catalog words it adds.
    pub fn synonym_lines(&self) -> impl Iterator<Item = (&[String], &[String])> {
        self.entries.iter().filter_map(|e| match &e.target {
            Target::Words(w) => Some((e.triggers.as_slice(), w.as_slice())),
            Target::Codes(_) => None,
        })
    }

    /// The words a `syn` line adds to a question (catalog words).
    pub fn synonym_words(&self) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .flat_map(|e| match &e.target {
                Target::Words(w) => w.as_slice(),
                Target::Codes(_) => &[],
            })
            .map(String::as_str)
    }

    /// The stop words (question words, pronouns, family, time and place words).
    pub fn stop_words(&self) -> impl Iterator<Item = &str> {
        self.stop.iter().map(String::as_str)
    }

    /// The `biz` words (businesses the hall licenses) and the `act` words
    /// (what running one or a hall matter takes: 开, 办, 补, 换…).
    pub fn business_and_act_words(&self) -> impl Iterator<Item = &str> {
        self.business.iter().chain(self.acts.iter()).map(String::as_str)
    }

    /// Every code a `goto` line names (a test checks they exist in the catalog).
    pub fn codes(&self) -> Vec<&str> {
        self.entries
            .iter()
            .filter_map(|e| match &e.target {
                Target::Codes(c) => Some(c.iter().map(String::as_str)),
                Target::Words(_) => None,
            })
            .flatten()
            .collect()
    }

    fn is_stop(&self, w: &str) -> bool {
        self.stop.contains(w)
    }

    /// The question with every misheard or misspelt word of a `fix` line rewritten
    /// (户口苯叫俺弄丢了 → 户口本叫俺弄丢了): what the asker meant is what every later
    /// step reads, the `off` words included.
    pub fn fixed(&self, question: &str) -> String {
        let mut q = question.to_owned();
        for (wrong, right) in &self.fixes {
            if q.contains(wrong.as_str()) {
                q = q.replace(wrong.as_str(), right);
            }
        }
        q
    }
}

/// Checks and tidies a phrase an admin adds: 2 to 20 characters, no digits (a phrase
/// is everyday words, never a number or a person's data).
pub fn check_phrase(phrase: &str) -> Result<String, &'static str> {
    let p = normalize(phrase);
    let n = p.chars().count();
    if n < 2 {
        return Err("说法至少2个字");
    }
    if n > 20 {
        return Err("说法最多20个字");
    }
    if p.chars().any(|c| c.is_ascii_digit()) {
        return Err("说法不能含数字");
    }
    if p.contains('=') || p.contains('#') {
        return Err("说法不能含“=”或“#”");
    }
    Ok(p)
}

/// Lower-case, full-width ASCII (ＫＴＶ、１２３) made half-width, traditional
/// characters (繁体: 身份證、護照) made simplified, spaces trimmed.
pub fn normalize(text: &str) -> String {
    fast2s::convert(text.trim())
        .chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect::<String>()
        .to_lowercase()
}

/// What is kept of a question that found nothing (无匹配问题记录): every digit and
/// every letter-digit run (phone numbers, 身份证号, case numbers) removed, spaces
/// squeezed, at most [`MAX_LOGGED_CHARS`] characters. Names cannot be told from
/// words, so the log keeps only this short text and counts, never who asked.
pub fn redact_question(question: &str) -> String {
    let q = normalize(question);
    let mut out = String::new();
    for token in q.split_whitespace() {
        // An ID number or a code mixes digits and letters (…X): drop the whole run.
        let kept: String = split_runs(token)
            .into_iter()
            .filter(|run| !run.chars().any(|c| c.is_ascii_digit() || is_numeral(c)))
            .collect();
        if kept.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&kept);
    }
    out.chars().take(MAX_LOGGED_CHARS).collect()
}

fn is_numeral(c: char) -> bool {
    c.is_numeric()
}

/// Splits a token into runs of ASCII letters/digits and runs of everything else.
fn split_runs(token: &str) -> Vec<String> {
    let mut runs: Vec<String> = Vec::new();
    let mut last_ascii: Option<bool> = None;
    for c in token.chars() {
        let ascii = c.is_ascii_alphanumeric() || c.is_numeric() || matches!(c, '-' | '_' | '/' | '.');
        if last_ascii != Some(ascii) {
            runs.push(String::new());
            last_ascii = Some(ascii);
        }
        if let Some(r) = runs.last_mut() {
            r.push(c);
        }
    }
    runs
}

/// One answer: an item or bundle and its score (higher fits better).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GuideHit {
    pub code: String,
    pub kind: GuideKind,
    pub name: String,
    pub score: f32,
}

/// The guide's answer to one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GuideAnswer {
    pub answers: Vec<GuideHit>,
    /// Nothing fits (无匹配): no answers; the page points to 咨询台 and 12345.
    pub none: bool,
    /// Best score before the cut (0 when nothing matched at all).
    pub top_score: f32,
    /// Share of the question's content characters that are hall vocabulary.
    pub coverage: f32,
    /// Why nothing fits (for the admin reading the no-hit log); `None` when something does.
    pub why: Option<NothingFits>,
}

/// Why nothing fits a question (无匹配原因), the first that holds in the rule's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NothingFits {
    /// No hall word, or too weak a match (below [`MIN_SCORE`]).
    Weak,
    /// Too few of the question's words are the hall's (below [`MIN_COVERAGE`]).
    FewHallWords,
    /// An everyday matter the hall does not handle (an `off` word).
    Everyday { word: String },
    /// A business the hall licenses asked about as its customer (网吧包夜多少钱).
    Customer,
    /// Another place's matter (属地: 苏州的公积金).
    Elsewhere,
    /// The same question was answered before as not the hall's (相似问法).
    AnsweredNotOurs,
    /// The questions most like it, asked before, were all not the hall's and none points
    /// at what the rules found (a look-alike in the hall's words).
    LikeNotOurs,
}

impl NothingFits {
    /// What the admin reads, in Chinese.
    pub fn label(&self) -> String {
        match self {
            NothingFits::Weak => "没有相关的事项".to_owned(),
            NothingFits::FewHallWords => "问题里本大厅的用词太少".to_owned(),
            NothingFits::Everyday { word } => format!("含其他部门或日常事务用语“{word}”"),
            NothingFits::Customer => "像是顾客对店家的问题".to_owned(),
            NothingFits::Elsewhere => "属其他地方办理的事项".to_owned(),
            NothingFits::AnsweredNotOurs => "同样的问题已答复为不属本大厅".to_owned(),
            NothingFits::LikeNotOurs => "与以往不属本大厅的问题相似".to_owned(),
        }
    }
}

struct Doc {
    code: String,
    kind: GuideKind,
    name: String,
}

/// The guide over one published catalog and vocabulary: built once (a few
/// milliseconds), asked many times.
pub struct Guide {
    docs: Vec<Doc>,
    by_code: HashMap<String, u32>,
    lengths: Vec<f32>,
    average_length: f32,
    postings: HashMap<String, Vec<(u32, f32)>>,
    /// Per term, how many documents hold it in what they are about (name, keywords,
    /// description, a bundle's items) plus [`SECONDARY_DF_SHARE`] of those holding it only among
    /// their materials or department: 身份证, asked for by nearly every item, still
    /// tells 居民身份证补领 apart.
    df: HashMap<String, f32>,
    known: HashSet<String>,
    /// The hall's own places, read off its departments' names (东海县公安局 → 东海, 连云港市… → 连云港).
    home: Vec<String>,
    vocabulary: Vocabulary,
    /// Every trigger of every vocabulary entry (the catalog's keywords included), found in one pass.
    triggers: PhraseFinder,
    /// For each trigger of [`Guide::triggers`], the entry it belongs to.
    trigger_entry: Vec<usize>,
    /// For each entry, the terms of the catalog words a `syn` line adds (empty for `goto`).
    entry_terms: Vec<Vec<String>>,
    /// The `off` words longer than one character.
    off_finder: PhraseFinder,
    /// The `who` phrases.
    who_finder: PhraseFinder,
    /// The hall's words by their sound, to read a slip of the same sound as the word (设保卡 → 社保卡).
    sounds: SoundIndex,
    /// The similar questions (相似问法) whose codes are the catalog's.
    similar: SimilarIndex,
}

/// Finds where a set of phrases occur in a text, as [`str::match_indices`] would find each
/// phrase (left to right, an occurrence never overlapping the same phrase's previous one), in
/// one pass of an Aho–Corasick automaton instead of one scan per phrase.
struct PhraseFinder {
    phrases: Vec<String>,
    /// `None` only if the automaton could not be built (far more phrases than a hall has):
    /// then each phrase is scanned for in turn.
    automaton: Option<aho_corasick::AhoCorasick>,
}

impl PhraseFinder {
    fn new(phrases: Vec<String>) -> PhraseFinder {
        let automaton = aho_corasick::AhoCorasick::new(&phrases).ok();
        PhraseFinder { phrases, automaton }
    }

    /// Each occurrence as (phrase index, byte range in `text`).
    fn find(&self, text: &str) -> Vec<(usize, std::ops::Range<usize>)> {
        let Some(automaton) = &self.automaton else {
            return self
                .phrases
                .iter()
                .enumerate()
                .flat_map(|(i, p)| {
                    text.match_indices(p.as_str())
                        .map(move |(at, m)| (i, at..at + m.len()))
                })
                .collect();
        };
        let mut found = Vec::new();
        // Where each phrase's last occurrence ended: the next one starts at or after it.
        let mut ends: HashMap<usize, usize> = HashMap::new();
        let mut hits: Vec<(usize, std::ops::Range<usize>)> = automaton
            .find_overlapping_iter(text)
            .map(|m| (m.pattern().as_usize(), m.range()))
            .collect();
        // Left to right per phrase (the overlapping search reports by where a match ends).
        hits.sort_by_key(|(p, r)| (*p, r.start));
        for (p, r) in hits {
            let end = ends.entry(p).or_insert(0);
            if r.start >= *end {
                *end = r.end;
                found.push((p, r));
            }
        }
        found
    }
}

impl std::fmt::Debug for Guide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Guide({} docs)", self.docs.len())
    }
}

impl Guide {
    pub fn build(tokenizer: &Tokenizer, docs: &[GuideDoc], vocabulary: Vocabulary) -> Guide {
        // The catalog's own keywords (关键词, the hall's everyday names for an
        // item: 评残, 领发票, 开店借钱) are set phrases too: found whole in a
        // question, they point at their item like a `goto` line.
        let mut vocabulary = vocabulary;
        for doc in docs {
            for k in &doc.keywords {
                let k = normalize(k);
                if k.chars().count() >= 2 && !vocabulary.is_stop(&k) {
                    vocabulary.entries.push(Entry {
                        triggers: vec![k],
                        target: Target::Codes(vec![doc.code.clone()]),
                    });
                }
            }
        }
        let mut postings: HashMap<String, Vec<(u32, f32)>> = HashMap::new();
        let mut df: HashMap<String, f32> = HashMap::new();
        let mut lengths = Vec::with_capacity(docs.len());
        let mut known: HashSet<String> = HashSet::new();
        let learn = |text: &str, known: &mut HashSet<String>| {
            for w in tokenizer.words(text) {
                known.insert(w);
            }
            for t in tokenizer.terms(text) {
                if !t.starts_with('#') {
                    known.insert(t);
                }
            }
        };
        for (i, doc) in docs.iter().enumerate() {
            let mut tf: HashMap<String, f32> = HashMap::new();
            let mut add = |text: &str, w: f32| {
                for t in tokenizer.terms(text) {
                    *tf.entry(t).or_default() += w;
                }
            };
            add(&doc.name, NAME_WEIGHT);
            for k in &doc.keywords {
                add(k, KEYWORD_WEIGHT);
            }
            add(&doc.description, DESCRIPTION_WEIGHT);
            for r in &doc.related {
                add(r, RELATED_WEIGHT);
            }
            add(&doc.department, DEPARTMENT_WEIGHT);
            for m in &doc.materials {
                add(m, MATERIAL_WEIGHT);
            }
            let about: HashSet<String> = std::iter::once(&doc.name)
                .chain(&doc.keywords)
                .chain(std::iter::once(&doc.description))
                .chain(&doc.related)
                .flat_map(|t| tokenizer.terms(t))
                .collect();
            lengths.push(tf.values().sum::<f32>());
            for (term, weight) in tf {
                let share = if about.contains(&term) {
                    1.0
                } else {
                    SECONDARY_DF_SHARE
                };
                *df.entry(term.clone()).or_default() += share;
                postings.entry(term).or_default().push((i as u32, weight));
            }
            learn(&doc.name, &mut known);
            for k in &doc.keywords {
                learn(k, &mut known);
            }
            learn(&doc.description, &mut known);
            for m in &doc.materials {
                learn(m, &mut known);
            }
            learn(&doc.department, &mut known);
        }
        for e in &vocabulary.entries {
            for t in &e.triggers {
                known.insert(t.clone());
            }
            if let Target::Words(words) = &e.target {
                for w in words {
                    learn(w, &mut known);
                }
            }
        }
        known.retain(|w| !vocabulary.is_stop(w));
        let average_length = if lengths.is_empty() {
            1.0
        } else {
            (lengths.iter().sum::<f32>() / lengths.len() as f32).max(1.0)
        };
        // A place the catalog names (its departments: 东海县公安局) is the hall's own.
        vocabulary.away.retain(|place| {
            !docs
                .iter()
                .any(|d| d.department.contains(place.as_str()) || d.name.contains(place.as_str()))
        });
        let mut trigger_entry = Vec::new();
        let mut phrases = Vec::new();
        for (i, e) in vocabulary.entries.iter().enumerate() {
            for t in &e.triggers {
                trigger_entry.push(i);
                phrases.push(t.clone());
            }
        }
        let entry_terms = vocabulary
            .entries
            .iter()
            .map(|e| match &e.target {
                Target::Words(words) => words.iter().flat_map(|w| tokenizer.terms(w)).collect(),
                Target::Codes(_) => Vec::new(),
            })
            .collect();
        let off_finder = PhraseFinder::new(
            vocabulary
                .off
                .iter()
                .filter(|w| w.chars().count() > 1)
                .cloned()
                .collect(),
        );
        // What a slip may be read as: the vocabulary's phrases (the catalog's keywords among
        // them), the words `fix` lines mean and the words of the items' and bundles' names.
        let names: Vec<String> = docs.iter().flat_map(|d| tokenizer.words(&d.name)).collect();
        let sounds = SoundIndex::build(
            phrases
                .iter()
                .chain(vocabulary.fixes.iter().map(|(_, right)| right))
                .chain(&names)
                .map(String::as_str),
        );
        let who_finder = PhraseFinder::new(vocabulary.who.clone());
        let similar = SimilarIndex::build(
            vocabulary
                .similar
                .iter()
                .filter(|q| q.codes.iter().all(|c| docs.iter().any(|d| &d.code == c)))
                .cloned()
                .collect(),
            |q| vocabulary.fixed(&normalize(q)),
        );
        let mut home: Vec<String> = Vec::new();
        for d in docs {
            let place: String = d
                .department
                .chars()
                .take_while(|c| !"县市区".contains(*c))
                .take(5)
                .collect();
            let whole = d
                .department
                .chars()
                .nth(place.chars().count())
                .is_some_and(|c| "县市区".contains(c));
            if whole && place.chars().count() >= 2 && !home.contains(&place) {
                home.push(place);
            }
        }
        Guide {
            home,
            similar,
            who_finder,
            sounds,
            triggers: PhraseFinder::new(phrases),
            trigger_entry,
            entry_terms,
            off_finder,
            by_code: docs
                .iter()
                .enumerate()
                .map(|(i, d)| (d.code.clone(), i as u32))
                .collect(),
            docs: docs
                .iter()
                .map(|d| Doc {
                    code: d.code.clone(),
                    kind: d.kind,
                    name: d.name.clone(),
                })
                .collect(),
            lengths,
            average_length,
            postings,
            df,
            known,
            vocabulary,
        }
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// The question's content words, each with whether the hall's vocabulary knows
    /// it: what an admin reads in the log of questions that found nothing to decide
    /// which phrase to add.
    pub fn content_words(&self, tokenizer: &Tokenizer, question: &str) -> Vec<(String, bool)> {
        tokenizer
            .words(&self.read(tokenizer, question))
            .into_iter()
            .filter(|w| !self.vocabulary.is_stop(w))
            .map(|w| {
                let known = self.known.contains(&w);
                (w, known)
            })
            .collect()
    }

    /// A word without the filler jieba glued to it: leading one-character stop
    /// words (想开 → 开, 能算 → 算), numerals and counted units (几千只, 两层,
    /// 七十多) and trailing measure words (登个 → 登, 加点 → 加). Empty when the
    /// word is only filler.
    fn core<'w>(&self, word: &'w str) -> &'w str {
        let mut w = word;
        while let Some(c) = w.chars().next() {
            let mut b = [0u8; 4];
            if self.vocabulary.is_stop(c.encode_utf8(&mut b)) || NUMERALS.contains(c) {
                w = &w[c.len_utf8()..];
            } else {
                break;
            }
        }
        while let Some(c) = w.chars().next_back() {
            let mut b = [0u8; 4];
            if MEASURES.contains(c) || NUMERALS.contains(c) || self.vocabulary.is_stop(c.encode_utf8(&mut b))
            {
                w = &w[..w.len() - c.len_utf8()];
            } else {
                break;
            }
        }
        if w.chars()
            .all(|c| NUMERALS.contains(c) || MEASURES.contains(c) || UNITS.contains(c))
        {
            return "";
        }
        // Two stop words jieba glued into one (少儿英语, 村里老家) are filler too.
        if w.char_indices()
            .skip(1)
            .any(|(at, _)| self.vocabulary.is_stop(&w[..at]) && self.vocabulary.is_stop(&w[at..]))
        {
            return "";
        }
        w
    }

    /// The question as the guide reads it: normalised, each `fix` word rewritten and each
    /// slip of the same sound as a hall word read as that word (step 1 of the rule).
    pub fn read(&self, tokenizer: &Tokenizer, question: &str) -> String {
        let q = self.vocabulary.fixed(&normalize(question));
        self.sounds.correct(
            tokenizer,
            &q,
            |w| self.known.contains(w) || self.vocabulary.is_stop(w),
            |w| self.vocabulary.off.iter().any(|o| o == w),
        )
    }

    /// Answers one question (see the module's rule): the rules (steps 1–6), then what the
    /// similar questions say (step 7).
    pub fn ask(&self, tokenizer: &Tokenizer, question: &str) -> GuideAnswer {
        let by_rules = self.ask_by_rules(tokenizer, question);
        self.with_similar(question, by_rules)
    }

    /// Step 7: what the similar questions (相似问法) say. The same question asked before keeps
    /// its verdict (not the hall's → nothing fits; answered → that answer, even when the
    /// rules found nothing); the most similar questions, when they agree, outvote the rules
    /// (all answered with one code → that code; not the hall's and no vote for any of the
    /// rules' first three → nothing fits); otherwise the code they suggest joins the first
    /// three answers when the rules did not put it there.
    fn with_similar(&self, question: &str, mut answer: GuideAnswer) -> GuideAnswer {
        if self.similar.is_empty() || self.by_code.contains_key(&normalize(question).to_uppercase()) {
            return answer;
        }
        let text = self.vocabulary.fixed(&normalize(question));
        let verdict = self.similar.verdict(&text, |c| self.by_code.contains_key(c));
        let same = verdict
            .same
            .and_then(|(i, s)| self.similar.question(i).map(|q| (q, s)));
        let hit = |code: &str, score: f32| {
            let doc = &self.docs[self.by_code[code] as usize];
            GuideHit {
                code: doc.code.clone(),
                kind: doc.kind,
                name: doc.name.clone(),
                score: (score * 100.0).round() / 100.0,
            }
        };
        let nothing = |mut answer: GuideAnswer, why: NothingFits| {
            answer.answers.clear();
            answer.none = true;
            answer.why = Some(why);
            answer
        };
        // The same question's own answer, else the neighbours' vote.
        let suggested = match same {
            Some((q, _)) if q.codes.is_empty() => return nothing(answer, NothingFits::AnsweredNotOurs),
            Some((q, _)) => q
                .codes
                .iter()
                .find(|c| self.by_code.contains_key(c.as_str()))
                .cloned(),
            None => verdict.suggested.as_ref().map(|(c, _)| c.clone()),
        };
        if answer.none {
            // Not against a place rule: the questions asked before were of this county.
            let rescue = match same {
                Some((_, similarity)) => suggested.map(|c| (c, similarity)),
                None => verdict
                    .agreed
                    .clone()
                    .filter(|_| answer.why != Some(NothingFits::Elsewhere)),
            };
            if let Some((code, similarity)) = rescue {
                answer.answers = vec![hit(&code, similarity)];
                answer.none = false;
                answer.why = None;
            }
            return answer;
        }
        if let Some(code) = suggested
            && !answer
                .answers
                .iter()
                .take(SIMILAR_PLACE + 1)
                .any(|h| h.code == code)
        {
            answer.answers.retain(|h| h.code != code);
            let at = SIMILAR_PLACE.min(answer.answers.len());
            // It takes the place (and the score) of the answer it moves down.
            let score = answer
                .answers
                .get(at)
                .or(answer.answers.last())
                .map_or(0.0, |h| h.score);
            let mut moved = hit(&code, 0.0);
            moved.score = score;
            answer.answers.insert(at, moved);
            answer.answers.truncate(MAX_ANSWERS);
        }
        if same.is_none()
            && verdict.agreed_not_ours(
                answer
                    .answers
                    .iter()
                    .take(SIMILAR_PLACE + 1)
                    .map(|h| h.code.as_str()),
            )
        {
            return nothing(answer, NothingFits::LikeNotOurs);
        }
        answer
    }

    /// Steps 1–6 of the rule: the question read word by word.
    fn ask_by_rules(&self, tokenizer: &Tokenizer, question: &str) -> GuideAnswer {
        let q = self.read(tokenizer, question);
        let nothing = |coverage: f32, top: f32, why: NothingFits| GuideAnswer {
            answers: Vec::new(),
            none: true,
            top_score: top,
            coverage,
            why: Some(why),
        };
        if q.is_empty() || self.docs.is_empty() {
            return nothing(0.0, 0.0, NothingFits::Weak);
        }
        // jieba's words and where each lies in the question.
        let words = tokenizer.words(&q);
        let mut spans: Vec<Option<usize>> = Vec::with_capacity(words.len());
        let mut cursor = 0usize;
        for w in &words {
            let at = q[cursor..].find(w.as_str()).map(|p| p + cursor);
            if let Some(at) = at {
                cursor = at + w.len();
            }
            spans.push(at);
        }
        // 2. vocabulary phrases, as substrings; the bytes they cover count as vocabulary.
        let mut covered = vec![false; q.len()];
        // Where each hall phrase lies in the question (byte ranges).
        let mut phrases: Vec<std::ops::Range<usize>> = Vec::new();
        let mut query: HashMap<String, f32> = HashMap::new();
        let mut boosts: HashMap<u32, f32> = HashMap::new();
        let mut phrase_hit = false;
        // The question also without the measure words people put inside a set
        // phrase (注册个公司, 开一家网吧 → 注册公司, 开网吧); `origin` maps each of
        // its bytes back to the question's.
        let (compact, origin) = compact(&q);
        // What the asker puts aside (除了营业执照还要办什么证): its words count little.
        let mut aside = aside(&q);
        aside.extend(self.who_finder.find(&q).into_iter().map(|(_, r)| r));
        let inside_aside =
            |r: &std::ops::Range<usize>| aside.iter().any(|a| a.start <= r.start && r.end <= a.end);
        // Each entry found, and whether it is found outside what the asker puts aside.
        let mut found: HashMap<usize, bool> = HashMap::new();
        for (t, r) in self.triggers.find(&q) {
            let counts = found.entry(self.trigger_entry[t]).or_default();
            *counts |= !inside_aside(&r);
            covered[r.clone()].iter_mut().for_each(|c| *c = true);
            phrases.push(r);
        }
        if compact.len() != q.len() {
            for (t, r) in self.triggers.find(&compact) {
                let counts = found.entry(self.trigger_entry[t]).or_default();
                for &o in &origin[r.clone()] {
                    covered[o] = true;
                }
                if let (Some(&first), Some(&last)) = (origin.get(r.start), origin.get(r.end - 1)) {
                    *counts |= !inside_aside(&(first..last + 1));
                    phrases.push(first..last + 1);
                }
            }
        }
        for (e, counts) in found {
            let share = if counts { 1.0 } else { ASIDE_WEIGHT };
            match &self.vocabulary.entries[e].target {
                Target::Words(_) => {
                    for t in &self.entry_terms[e] {
                        let e = query.entry(t.clone()).or_default();
                        *e = e.max(SYNONYM_WEIGHT * share);
                    }
                }
                Target::Codes(codes) => {
                    phrase_hit = true;
                    for c in codes {
                        if let Some(&d) = self.by_code.get(c) {
                            let b = boosts.entry(d).or_default();
                            *b = b.max(PHRASE_BOOST * share);
                        }
                    }
                }
            }
        }
        // What a business being opened does (开个修鞋配钥匙的小铺子) is that business,
        // the hall's: its words count as hall vocabulary, and an everyday word among
        // them (卖蛋糕, 唱歌) is not another matter.
        for r in business_descriptions(&q) {
            covered[r.clone()].iter_mut().for_each(|c| *c = true);
            phrases.push(r);
        }
        // 3. content words and the share of them that is hall vocabulary.
        let mut content_chars = 0usize;
        let mut known_chars = 0usize;
        // The same per clause (between pauses): a long story's one clause that asks in hall words.
        let mut clause_of = Vec::with_capacity(q.len());
        let mut clause = 0usize;
        for c in q.chars() {
            if !is_word_char(c) {
                clause += 1;
            }
            clause_of.extend(std::iter::repeat_n(clause, c.len_utf8()));
        }
        let mut clauses: HashMap<usize, (usize, usize)> = HashMap::new();
        for (w, at) in words.iter().zip(spans) {
            let (content_before, known_before) = (content_chars, known_chars);
            let mut count_clause = |content: usize, known: usize| {
                if let Some(at) = at {
                    let e = clauses.entry(clause_of[at]).or_default();
                    e.0 += content - content_before;
                    e.1 += known - known_before;
                }
            };
            let w = w.clone();
            if self.vocabulary.is_stop(&w) {
                continue;
            }
            let weight = match at {
                Some(at) if inside_aside(&(at..at + w.len())) => ASIDE_WEIGHT,
                _ => 1.0,
            };
            let add_terms = |query: &mut HashMap<String, f32>| {
                for t in tokenizer.terms(&w) {
                    let e = query.entry(t).or_default();
                    *e = e.max(weight);
                }
            };
            if self.known.contains(&w) {
                let chars = w.chars().count();
                content_chars += chars;
                known_chars += chars;
                count_clause(content_chars, known_chars);
                add_terms(&mut query);
                continue;
            }
            // A word jieba glued to a filler (想开, 办个, 领点, 几千只): the rest is
            // what counts; nothing left means the word was only filler.
            let core = self.core(&w);
            if core.is_empty() || self.vocabulary.is_stop(core) {
                continue;
            }
            let chars = core.chars().count();
            content_chars += chars;
            if self.known.contains(core) {
                known_chars += chars;
            } else if let Some(at) = at {
                known_chars += w
                    .char_indices()
                    .filter(|(i, _)| covered[at + i])
                    .count()
                    .min(chars);
            }
            count_clause(content_chars, known_chars);
            add_terms(&mut query);
        }
        let whole = if content_chars == 0 {
            0.0
        } else {
            known_chars as f32 / content_chars as f32
        };
        let best_clause = clauses
            .values()
            .filter(|(content, _)| *content >= CLAUSE_MIN_CHARS)
            .map(|&(content, known)| known as f32 / content as f32)
            .fold(0.0f32, f32::max);
        let coverage = if whole >= CLAUSE_WHOLE_MIN && best_clause >= CLAUSE_COVERAGE {
            whole.max(MIN_COVERAGE)
        } else {
            whole
        };
        // 4. BM25 over the weighted fields, plus the phrases' boosts.
        let n = self.docs.len() as f32;
        let mut scores: HashMap<u32, f32> = boosts;
        for (term, qw) in &query {
            let Some(list) = self.postings.get(term) else {
                continue;
            };
            let df = self.df.get(term).copied().unwrap_or(list.len() as f32).max(0.5);
            let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
            for &(doc, tf) in list {
                let len = self.lengths[doc as usize];
                let norm = K1 * (1.0 - B + B * len / self.average_length);
                *scores.entry(doc).or_default() += qw * idf * tf * (K1 + 1.0) / (tf + norm);
            }
        }
        // Asked to get it all done at once (能一起办吗, 一趟办完, 一个窗口): the 一件事 bundles
        // among the answers are what is asked for.
        if ALL_AT_ONCE.iter().any(|m| q.contains(m)) {
            for (doc, score) in scores.iter_mut() {
                if *score > 0.0 && self.docs[*doc as usize].kind == GuideKind::Bundle {
                    *score += ALL_AT_ONCE_BOOST;
                }
            }
        }
        // An item's code typed in full is that item.
        if let Some(&d) = self.by_code.get(&q.to_uppercase()) {
            *scores.entry(d).or_default() += 100.0;
            return self.rank(scores, 1.0);
        }
        let top = scores.values().copied().fold(0.0f32, f32::max);
        // 5. nothing fits.
        // An everyday word of another matter counts unless it lies inside a hall phrase
        // (飞机 in 坐飞机, 吵 in 吵架).
        // A one-character word (贵, 玩, 好) counts only as what the question ends on,
        // its predicate (这么贵, 去哪玩, 选几楼好), not inside it (去澳门玩几天要什么证).
        // A one-character word after a verb is that verb's result, not a judgement
        // (一次弄好, 证办好了 are not 好).
        // An everyday word that names a business (家具厂, 面包店, 唱歌的歌厅 aside) is the
        // business the hall licenses, not the everyday matter.
        let last = words.iter().rev().find(|w| !self.vocabulary.is_stop(w));
        let one_character_off = self.vocabulary.off.iter().find(|w| {
            w.chars().count() == 1
                && last == Some(w)
                && !q.rfind(w.as_str()).is_some_and(|at| {
                    q[..at]
                        .chars()
                        .next_back()
                        .is_some_and(|c| RESULT_VERBS.contains(c))
                        || is_when(&q, &(at..at + w.len()))
                })
        });
        // Where the longer off words lie.
        let off_spans: Vec<std::ops::Range<usize>> =
            self.off_finder.find(&q).into_iter().map(|(_, r)| r).collect();
        let off_span = off_spans.iter().find(|r| {
            // Inside one hall phrase (坐飞机 holds 飞机) the word is the phrase's;
            // two hall words side by side (生育 and 津贴) do not make one.
            !phrases.iter().any(|p| p.start <= r.start && r.end <= p.end)
                && !q[r.end..]
                    .chars()
                    .next()
                    .is_some_and(|c| BUSINESS_SUFFIXES.contains(c))
                && !is_purpose(&q, r, &phrases, &off_spans)
                && !is_quarrel(&q, r)
                && !is_material(&q, r)
                && !is_where(&q, r)
                && !is_when(&q, r)
        });
        // A business the hall licenses, asked about without opening, running or
        // closing one (理发店周一开门吗, 网吧包夜多少钱), is a customer's question.
        let customer = self.vocabulary.business.iter().any(|b| q.contains(b.as_str()))
            && !words.iter().any(|w| {
                let mut first = [0u8; 4];
                let first = w.chars().next().map(|c| &*c.encode_utf8(&mut first));
                self.vocabulary.acts.contains(w)
                    || self.vocabulary.acts.contains(self.core(w))
                    || first.is_some_and(|c| self.vocabulary.acts.contains(c))
            })
            && !self
                .vocabulary
                .acts
                .iter()
                .any(|a| a.chars().count() > 1 && q.contains(a.as_str()));
        let needed = if phrase_hit {
            MIN_PHRASE_COVERAGE
        } else {
            MIN_COVERAGE
        };
        let off_word = one_character_off
            .cloned()
            .or_else(|| off_span.map(|r| q[r.clone()].to_owned()));
        let why = if top < MIN_SCORE {
            Some(NothingFits::Weak)
        } else if coverage < needed {
            Some(NothingFits::FewHallWords)
        } else if let Some(word) = off_word {
            Some(NothingFits::Everyday { word })
        } else if customer {
            Some(NothingFits::Customer)
        } else if self.elsewhere(&q) {
            Some(NothingFits::Elsewhere)
        } else {
            None
        };
        if let Some(why) = why {
            return nothing(coverage, top, why);
        }
        self.rank(scores, coverage)
    }

    /// Whether the question asks about another place's matter:
    /// - an `away` place (with 市, 县, 区 or 省) followed by 的, 那边的, 那里的 or 当地的 and a word
    ///   (苏州的公积金, 北京那边的暂住登记), unless that word is a workplace, a hospital or a person
    ///   ([`AWAY_NOT_MATTER`]: 上海的公司辞职了 医保转回来, 上海的医院住院);
    /// - or an `away` place named other than as where the asker comes from (河南来的, 安徽过来,
    ///   赣榆的人) in a question with no word that brings the matter here or tells a trip there
    ///   ([`AWAY_HERE`]: 转回, 打工, 住院, 出差, 这边…) and none of the hall's own places
    ///   (户口在新沂 想申请低保, 常州交的公积金: that place's hall handles it);
    /// - or an `away` place with a house, land or shop within [`AWAY_PROPERTY_REACH`] characters
    ///   after it ([`AWAY_PROPERTY`]: 灌云那套房子…能在东海办吗), whatever else the question says;
    /// - or an `away` place where the matter was done ([`AWAY_DONE`] and 的 or 了: 在苏州办的执照,
    ///   徐州开的公司, 上海交了八年医保; [`AWAY_DONE_AT`] before it: 公司注册在徐州), even asked to be done here, unless it is brought here
    ///   ([`AWAY_BROUGHT`]: 年限能接到这边来吗, 搬来东海了) or is a paper the whole country issues
    ///   ([`AWAY_NATIONWIDE`]: 驾照, 身份证).
    fn elsewhere(&self, q: &str) -> bool {
        let mut named = false;
        // Brought here (转回来, 接到这边, 迁到东海), not taken to another place (迁到上海).
        let brought = AWAY_BROUGHT.iter().any(|w| {
            q.match_indices(w).any(|(at, _)| {
                let after = &q[at + w.len()..];
                !self.vocabulary.away.iter().any(|p| after.starts_with(p.as_str()))
            })
        });
        // Done here (在东海交的公积金, 公司注册在东海): a house bought or a thing done elsewhere is
        // then the reason, not the matter (在东海交的公积金 在苏州买了房 能提出来吗).
        let done_here = self.home.iter().any(|home| {
            q.match_indices(home.as_str()).any(|(at, m)| {
                AWAY_DONE_AT.iter().any(|v| q[..at].ends_with(v))
                    || starts_done(without_unit(&q[at + m.len()..]), &AWAY_DONE)
            })
        });
        let owned = self.vocabulary.away.iter().any(|place| {
            q.match_indices(place.as_str()).any(|(at, m)| {
                // Taken there (户口落到沭阳去, 迁到苏州): the place it goes to does it.
                if AWAY_TAKEN.iter().any(|t| q[..at].ends_with(t)) {
                    return true;
                }
                // Where a trip or a route goes (飞深圳, 东海到上海的班线) is no matter's place.
                if AWAY_BOUND.iter().any(|b| q[..at].ends_with(b)) {
                    return false;
                }
                let mut rest = &q[at + m.len()..];
                // Where the asker comes from (河南来的, 安徽过来, 赣榆的人, 女方是赣榆的 俺们) is no matter's place.
                let origin = ["来的", "过来", "人", "的在", "搬过来", "搬来", "嫁过来", "嫁来"]
                    .iter()
                    .any(|o| rest.starts_with(o))
                    || rest
                        .strip_prefix("的")
                        .is_some_and(|r| AWAY_PEOPLE.iter().any(|p| r.starts_with(p)))
                    || rest
                        .strip_prefix("的")
                        .is_some_and(|r| !r.chars().next().is_some_and(is_word_char));
                named |= !origin;
                // A house, land or shop there (灌云那套房子, 赣榆的门面) is that place's matter even
                // when the asker would rather do it here.
                let clause: String = rest
                    .chars()
                    .take_while(|&c| is_word_char(c))
                    .take(AWAY_PROPERTY_REACH)
                    .collect();
                let worked: String = rest
                    .chars()
                    .take_while(|&c| is_word_char(c))
                    .take(AWAY_PROPERTY_REACH + 4)
                    .collect();
                if !origin
                    && !done_here
                    && AWAY_PROPERTY.iter().any(|p| clause.contains(p))
                    && !AWAY_WORKED.iter().any(|w| worked.contains(w))
                {
                    return true;
                }
                // Asked where there (苏州哪里上户口, 灌云哪个部门).
                if !origin && AWAY_WHERE.iter().any(|w| rest.starts_with(w)) {
                    return true;
                }
                // Asked to be done there (失业金在南京那边能领吗, 想在苏州那边提出来).
                if !origin {
                    let there = without_unit(rest);
                    let yonder = without_yonder(there);
                    let after_in = q[..at].ends_with('在');
                    let there = yonder.unwrap_or(there);
                    let asks = |words: &[&str]| {
                        words.iter().any(|v| {
                            there
                                .strip_prefix(v)
                                .is_some_and(|after| !after.starts_with('的') && !after.starts_with('了'))
                        })
                    };
                    let asked_there = (after_in || yonder.is_some()) && asks(&AWAY_ASKED_THERE)
                        || yonder.is_some() && asks(&AWAY_ASKED_YONDER);
                    let later = &q[at..];
                    let here_too = ["这边", "这里", "咱这", "本地"].iter().any(|w| later.contains(w))
                        || self.home.iter().any(|h| later.contains(h.as_str()));
                    if asked_there && !here_too {
                        return true;
                    }
                }
                // Done there (苏州办的, 徐州那边注册的, 上海交了八年).
                let done = without_unit(rest);
                let done = without_yonder(done).unwrap_or(done);
                let done_at = |text: &str| starts_done(text, &AWAY_DONE);
                // An office may lie between (苏州公证处办的, 新沂市场监管局登记的).
                let through_office = done
                    .char_indices()
                    .take_while(|&(_, c)| is_word_char(c))
                    .take(AWAY_OFFICE_REACH)
                    .any(|(i, _)| AWAY_OFFICES.iter().any(|o| done[..i].ends_with(o)) && done_at(&done[i..]));
                if (done_at(done) || through_office || AWAY_DONE_AT.iter().any(|v| q[..at].ends_with(v)))
                    && !brought
                    && !done_here
                    && !AWAY_NATIONWIDE.iter().any(|w| q.contains(w))
                {
                    return true;
                }
                // 苏州市的, 海州区那边的, 新沂当地的
                rest = without_unit(rest);
                !brought
                    && ["的", "那边的", "那里的", "当地的"]
                        .iter()
                        .find(|p| rest.starts_with(**p))
                        .is_some_and(|p| {
                            let next = &rest[p.len()..];
                            next.chars().next().is_some_and(is_word_char)
                                && !AWAY_NOT_MATTER.iter().any(|w| next.starts_with(w))
                                && AWAY_PLACES_OF_WORK
                                    .iter()
                                    .find(|w| {
                                        next.char_indices()
                                            .take(3)
                                            .any(|(i, _)| next[i..].starts_with(**w))
                                    })
                                    .is_none_or(|w| {
                                        ["公司", "工厂"].contains(w)
                                            && AWAY_COMPANY_MATTER.iter().any(|m| q.contains(m))
                                    })
                        })
            })
        });
        let here =
            AWAY_HERE.iter().any(|w| q.contains(w)) || self.home.iter().any(|h| q.contains(h.as_str()));
        owned || (named && !here)
    }

    fn rank(&self, scores: HashMap<u32, f32>, coverage: f32) -> GuideAnswer {
        let mut ranked: Vec<(u32, f32)> = scores.into_iter().filter(|(_, s)| *s > 0.0).collect();
        ranked.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| self.docs[a.0 as usize].code.cmp(&self.docs[b.0 as usize].code))
        });
        let top = ranked.first().map(|r| r.1).unwrap_or(0.0);
        let answers: Vec<GuideHit> = ranked
            .into_iter()
            .take_while(|(_, s)| *s >= top * RELATIVE_CUTOFF)
            .take(MAX_ANSWERS)
            .map(|(d, s)| {
                let doc = &self.docs[d as usize];
                GuideHit {
                    code: doc.code.clone(),
                    kind: doc.kind,
                    name: doc.name.clone(),
                    score: (s * 100.0).round() / 100.0,
                }
            })
            .collect();
        GuideAnswer {
            none: answers.is_empty(),
            why: answers.is_empty().then_some(NothingFits::Weak),
            answers,
            top_score: top,
            coverage,
        }
    }
}

/// The question without the measure words inside a phrase (一个, 个, 一家, 开家 → 开),
/// without counts (几百头, 两台, 3辆 → nothing) and without the particles and adverbs
/// people put between a verb and its object ([`INSIDE_FILLER`]: 离了婚 → 离婚, 老人刚过世 →
/// 老人过世, 房子已经过户 → 房子过户), and for each of its bytes the byte of the
/// question it comes from.
fn compact(q: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(q.len());
    let mut origin = Vec::with_capacity(q.len());
    let mut i = 0;
    while i < q.len() {
        let rest = &q[i..];
        let numerals: usize = rest
            .chars()
            .take_while(|c| NUMERALS.contains(*c))
            .map(char::len_utf8)
            .sum();
        if numerals > 0
            && let Some(m) = rest[numerals..].chars().next().filter(|c| COUNTED.contains(*c))
        {
            i += numerals + m.len_utf8();
            continue;
        }
        // A particle or adverb between two characters of a word (离了婚, 刚过世).
        if !out.is_empty()
            && let Some(skip) = INSIDE_FILLER.iter().find(|p| rest.starts_with(**p))
            && rest[skip.len()..].chars().next().is_some_and(is_cjk)
        {
            i += skip.len();
            continue;
        }
        if let Some(skip) = ["一个", "一家", "个"].iter().find(|p| rest.starts_with(**p)) {
            i += skip.len();
            continue;
        }
        if rest.starts_with("开家") {
            // keep 开, drop 家
            out.push('开');
            origin.extend(i..i + '开'.len_utf8());
            i += "开家".len();
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        out.push(c);
        origin.extend(i..i + c.len_utf8());
        i += c.len_utf8();
    }
    (out, origin)
}

/// Whether an off word is what the asker needs a proof from the hall for: it lies before a 要
/// of its clause and what follows that 要 holds a hall phrase, asks for a proof ([`PROOFS`]: 证明, 记录, 单子…) and holds no
/// off word (办签证要近一年交个人所得税的证明: the visa is another office's, the tax record the
/// hall's).
fn is_purpose(
    q: &str,
    off: &std::ops::Range<usize>,
    phrases: &[std::ops::Range<usize>],
    offs: &[std::ops::Range<usize>],
) -> bool {
    let rest = &q[off.end..];
    let clause_end = rest
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(q.len(), |(i, _)| off.end + i);
    q[off.end..clause_end].match_indices('要').any(|(i, m)| {
        let after = off.end + i + m.len();
        PROOFS.iter().any(|p| q[after..clause_end].contains(p))
            && phrases.iter().any(|p| p.start >= after && p.end <= clause_end)
            && !offs.iter().any(|o| o.start >= after && o.start < clause_end)
    })
}

/// Before a paper, what asks whether it must be brought (要不要带体检报告, 要啥病历, 要拿银行卡去吗).
const MATERIAL_BEFORE: [&str; 6] = ["要不要", "要带", "要啥", "要拿", "带不带", "得带"];
/// After a paper (within [`MATERIAL_GAP`] characters), the same, ending the clause (体检报告要不要,
/// 购置税那张票要不要; not 养狗要不要登记, which asks about the dog).
const MATERIAL_AFTER: [&str; 7] = [
    "要不要",
    "用不用",
    "管用吗",
    "要带吗",
    "需要吗",
    "也要吗",
    "算不算",
];
/// How many characters may lie between a paper and what asks whether it must be brought.
const MATERIAL_GAP: usize = 4;
/// What a paper is called (体检报告, 病历, 银行卡, 那张票, 成绩单).
const PAPERS: [&str; 13] = [
    "报告", "病历", "卡", "单", "票", "证", "本", "书", "表", "照片", "合同", "协议", "存折",
];

/// Whether an everyday word names a paper asked about as something to bring for a hall matter
/// (刚考下医师资格 要去注册 体检报告要不要: the report is the registration's material, not
/// another matter).
fn is_material(q: &str, off: &std::ops::Range<usize>) -> bool {
    let before = &q[..off.start];
    let after = &q[off.end..];
    // The word and the few characters after it in its clause (购置税那张票).
    let gap_end = after
        .char_indices()
        .take_while(|&(_, c)| is_word_char(c))
        .take(MATERIAL_GAP + 1)
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    let named = &q[off.start..off.end + gap_end];
    let paper = PAPERS.iter().any(|p| named.contains(p));
    let asked_before = MATERIAL_BEFORE.iter().any(|m| before.ends_with(m));
    let asked_after = after.char_indices().take(MATERIAL_GAP + 1).any(|(i, _)| {
        MATERIAL_AFTER.iter().any(|m| {
            after[i..].strip_prefix(m).is_some_and(|rest| {
                rest.chars()
                    .next()
                    .is_none_or(|c| !is_word_char(c) || c == '吗' || c == '呢')
            })
        })
    });
    paper && (asked_before || asked_after)
}

/// Whether an everyday word only tells where something happened: 在 (or 丢在, 落在) before it and
/// 上 or 里 after it, at most a character on (钱包在公交车上被偷了, 身份证落在出租车里了).
fn is_where(q: &str, off: &std::ops::Range<usize>) -> bool {
    let before = &q[..off.start];
    let after = &q[off.end..];
    // The word may run on a character into its noun (公交 of 公交车上).
    let next = after
        .chars()
        .next()
        .filter(|&c| is_word_char(c))
        .map_or(0, char::len_utf8);
    before.ends_with('在')
        && [after, &after[next..]]
            .iter()
            .any(|a| ["上", "里"].iter().any(|p| a.starts_with(p)))
}

/// How people ask how long a matter takes (钱多久能到账, 几天好, 什么时候能下来).
const WHEN_ASKED: [&str; 6] = ["多久", "几天", "多长时间", "多少天", "什么时候", "啥时候"];
/// What is waited for after [`WHEN_ASKED`]: the money, the paper, the matter done.
const WHEN_RESULT: [&str; 6] = ["到账", "到帐", "好", "下来", "出来", "拿到"];
/// How many characters before an everyday word a [`WHEN_ASKED`] may lie.
const WHEN_GAP: usize = 3;
/// Days and times of the week an office may or may not work.
const WHEN_DAYS: [&str; 14] = [
    "周一",
    "周二",
    "周三",
    "周四",
    "周五",
    "周六",
    "周日",
    "周末",
    "星期",
    "礼拜",
    "节假日",
    "放假",
    "中午",
    "晚上",
];
/// After a day, what asks whether the matter can be done then (证明周末能开吗, 周六办不办).
const WHEN_DONE: [&str; 7] = ["能", "可以", "办", "开", "上班", "也", "给"];

/// A place's text with its unit (市, 县, 区, 省) taken off the front: 苏州市的 → 的.
fn without_unit(text: &str) -> &str {
    ["市区", "市", "县", "区", "省"]
        .iter()
        .find_map(|u| text.strip_prefix(u))
        .unwrap_or(text)
}

/// 那边, 那里 or 当地 off the front of a place's text, when there.
fn without_yonder(text: &str) -> Option<&str> {
    ["那边", "那里", "当地"].iter().find_map(|u| text.strip_prefix(u))
}

/// `text` starts with one of `verbs` followed by 的 or 了 (办的, 交了): done, not asked for.
fn starts_done(text: &str, verbs: &[&str]) -> bool {
    verbs.iter().any(|v| {
        text.strip_prefix(v)
            .is_some_and(|after| after.starts_with('的') || after.starts_with('了'))
    })
}

/// Whether an everyday word only asks when a hall matter named in the question is done: what is
/// waited for ([`WHEN_RESULT`]) with a [`WHEN_ASKED`] at most [`WHEN_GAP`] characters before it in
/// its clause (补贴钱多久能到账, 几天好; not 几天婚假),
/// or a day ([`WHEN_DAYS`]) followed by what asks whether it can be done then (那个证明周末能开吗).
fn is_when(q: &str, word: &std::ops::Range<usize>) -> bool {
    let before: String = q[..word.start]
        .chars()
        .rev()
        .take_while(|&c| is_word_char(c))
        .take(WHEN_GAP + 4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let text = &q[word.clone()];
    let asked = WHEN_RESULT.contains(&text)
        && WHEN_ASKED.iter().any(|w| {
            before
                .rfind(w)
                .is_some_and(|at| before[at + w.len()..].chars().count() <= WHEN_GAP)
        });
    let day = WHEN_DAYS.iter().any(|d| text.starts_with(d) || text.ends_with(d))
        && WHEN_DONE.iter().any(|w| q[word.end..].starts_with(w));
    asked || day
}

/// What a proof is called after 要 (办签证要近一年交个税的证明 / 记录 / 单子).
const PROOFS: [&str; 5] = ["证明", "记录", "单子", "清单", "凭证"];

/// What people ask the hall's mediators (人民调解) to do. In a question that asks for it, an
/// everyday matter before the word is what the quarrel is about (楼上漏水泡了我家 能找人调解吗,
/// 空调外机对着窗户 吵了几回 想找人说和), not another matter.
const MEDIATION: [&str; 4] = ["调解", "调停", "说和", "劝和"];
/// A court's words: a quarrel taken to court (法院调解, 起诉了还能调解吗) is not the hall's.
const COURT: [&str; 3] = ["法院", "起诉", "判决"];

/// Whether the everyday word at `off` is what a quarrel is about: a mediation word
/// ([`MEDIATION`]) follows it, or comes before it asked for, not done (想找人出面调解一下，楼上天天漏水;
/// not 调解了 楼上又漏水), and no court word ([`COURT`]) is in the question.
fn is_quarrel(q: &str, off: &std::ops::Range<usize>) -> bool {
    let asked = MEDIATION.iter().any(|m| {
        q[off.end..].contains(m)
            || q[..off.start].match_indices(m).any(|(at, m)| {
                !["了", "过"]
                    .iter()
                    .any(|done| q[at + m.len()..].starts_with(done))
            })
    });
    asked && !COURT.iter().any(|c| q.contains(c))
}

/// Where the words the asker puts aside lie: the bytes after 除了 up to 还, 以外, 之外,
/// 外 or a pause (除了营业执照还要办什么证 → 营业执照), and what the asker says they
/// already have ([`already_had`]: 营业执照有了 还差食品那个证 → 营业执照).
fn aside(q: &str) -> Vec<std::ops::Range<usize>> {
    let mut found = already_had(q);
    let Some(at) = q.find("除了") else {
        return found;
    };
    let start = at + "除了".len();
    let rest = &q[start..];
    let end = rest
        .char_indices()
        .find(|&(i, c)| {
            c == '还'
                || c == '外'
                || rest[i..].starts_with("以外")
                || rest[i..].starts_with("之外")
                || !is_word_char(c)
        })
        .map_or(rest.len(), |(i, _)| i);
    found.push(start..start + end);
    found
}

/// What comes before these in a clause is what the asker already has (残疾证已经办了是一级的).
const ALREADY_AFTER: [&str; 6] = [
    "已经办了",
    "已经办好",
    "已经有了",
    "已经拿到",
    "已经下来",
    "已经领了",
];
/// The same, said only at the end of a clause (营业执照有了 还差…, 执照办好了，…).
const ALREADY_AT_END: [&str; 4] = ["有了", "办好了", "下来了", "拿到了"];
/// What comes after these in a clause is what the asker already has (刚办好执照 头一回领发票).
const ALREADY_BEFORE: [&str; 4] = ["刚办好", "刚办完", "刚拿到", "刚领到"];

/// Where the asker names what they already have: the words of a clause before 有了,
/// 已经办了, 办好了… (营业执照有了 → 营业执照; 没有了 is something lost, not had) or after
/// 刚办好, 刚拿到 (刚办好执照 → 执照). They ask about the rest.
fn already_had(q: &str) -> Vec<std::ops::Range<usize>> {
    let clause_start = |at: usize| {
        q[..at]
            .char_indices()
            .rev()
            .find(|&(_, c)| !is_word_char(c))
            .map_or(0, |(i, c)| i + c.len_utf8())
    };
    let clause_end = |at: usize| {
        q[at..]
            .char_indices()
            .find(|&(_, c)| !is_word_char(c))
            .map_or(q.len(), |(i, _)| at + i)
    };
    let mut found = Vec::new();
    for marker in ALREADY_AFTER.iter().chain(&ALREADY_AT_END) {
        for (at, m) in q.match_indices(marker) {
            let after = &q[at + m.len()..];
            let at_end = after.chars().next().is_none_or(|c| !is_word_char(c) || c == '还');
            if ALREADY_AT_END.contains(marker) && !at_end {
                continue;
            }
            let lost = q[..at].ends_with('没') || q[..at].ends_with("没有");
            let start = clause_start(at);
            if !lost && start < at {
                found.push(start..at);
            }
        }
    }
    for marker in ALREADY_BEFORE {
        for (at, m) in q.match_indices(marker) {
            let start = at + m.len();
            let end = clause_end(start);
            if start < end {
                found.push(start..end);
            }
        }
    }
    found
}

/// Where a question says what a business being opened does: the characters between
/// 开 (开个, 开家, 开了个…) and a 的 followed within three characters by a name of a
/// business (开个修鞋配钥匙的小铺子 → 修鞋配钥匙, 开个唱歌的歌厅 → 唱歌, 开个修电瓶车的门面 → 修电瓶车).
fn business_descriptions(q: &str) -> Vec<std::ops::Range<usize>> {
    let mut found = Vec::new();
    for (at, _) in q.match_indices('开') {
        let mut start = at + '开'.len_utf8();
        for filler in ["了", "一", "个", "家", "间"] {
            if q[start..].starts_with(filler) {
                start += filler.len();
            }
        }
        let rest = &q[start..];
        let Some((de, _)) = rest
            .char_indices()
            .take(MAX_BUSINESS_DESCRIPTION + 1)
            .take_while(|&(_, c)| is_word_char(c))
            .find(|&(_, c)| c == '的')
        else {
            continue;
        };
        let named = rest[de + '的'.len_utf8()..]
            .chars()
            .take(3)
            .take_while(|&c| is_word_char(c))
            .any(|c| BUSINESS_NOUNS.contains(c));
        if de > 0 && named {
            found.push(start..start + de);
        }
    }
    found
}

/// A character of a word (not a space or punctuation).
fn is_word_char(c: char) -> bool {
    is_cjk(c) || c.is_alphanumeric()
}

/// True when the text has a CJK character or a letter or digit (something to look up).
pub fn has_content(text: &str) -> bool {
    text.chars().any(|c| is_cjk(c) || c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A guide over `docs` with the vocabulary `v` (a test's own text: a bad line fails the test).
    fn guide_of(docs: &[GuideDoc], v: &str) -> (Tokenizer, Guide) {
        let t = Tokenizer::default();
        let vocabulary = Vocabulary::parse(v).expect("the test's vocabulary parses");
        let g = Guide::build(&t, docs, vocabulary);
        (t, g)
    }

    /// 个体工商户设立登记 (办营业执照) and 食品经营许可 (卖熟食): a licence and what a food shop needs besides.
    fn licence_and_food() -> [GuideDoc; 2] {
        [
            doc(
                "SCJG-QR-001",
                GuideKind::Item,
                "个体工商户设立登记",
                &["办营业执照"],
            ),
            doc("SCJG-XK-001", GuideKind::Item, "食品经营许可", &["卖熟食"]),
        ]
    }

    fn doc(code: &str, kind: GuideKind, name: &str, keywords: &[&str]) -> GuideDoc {
        GuideDoc {
            code: code.into(),
            kind,
            name: name.into(),
            keywords: keywords.iter().map(|s| s.to_string()).collect(),
            description: String::new(),
            related: Vec::new(),
            materials: vec!["身份证".into()],
            department: "东海县市场监督管理局".into(),
        }
    }

    fn small() -> (Tokenizer, Guide) {
        let t = Tokenizer::default();
        let vocab = Vocabulary::parse(
            "version test\nstop 怎么 办 要 什么 我 想 个\nsyn 饭馆 = 餐饮 饭店\ngoto 生孩子 = YJS-001\n",
        )
        .unwrap_or_default();
        let g = Guide::build(
            &t,
            &[
                doc(
                    "SCJG-XK-001",
                    GuideKind::Item,
                    "食品经营许可",
                    &["开饭店", "开餐馆"],
                ),
                doc("GA-QR-004", GuideKind::Item, "出生登记", &["小孩上户口"]),
                doc("YJS-001", GuideKind::Bundle, "新生儿出生一件事", &[]),
                doc("GA-QR-001", GuideKind::Item, "居民身份证换领", &["换身份证"]),
                doc("MZ-QR-001", GuideKind::Item, "内地居民结婚登记", &["领结婚证"]),
                doc("RS-GG-002", GuideKind::Item, "社会保障卡申领", &["办社保卡"]),
                doc("SW-GG-002", GuideKind::Item, "发票领用", &["领发票"]),
                doc("LY-XK-001", GuideKind::Item, "林木采伐许可证核发", &["砍树"]),
            ],
            vocab,
        );
        (t, g)
    }

    #[test]
    fn the_shipped_vocabulary_parses_and_names_its_version() {
        let v = Vocabulary::parse(VOCABULARY);
        assert!(v.is_ok(), "{v:?}");
        assert!(!Vocabulary::shipped().version().is_empty());
    }

    #[test]
    fn a_bad_vocabulary_line_is_named() {
        let e = Vocabulary::parse("version 1\nsyn 没有等号\n").err();
        assert_eq!(e.map(|e| e.line), Some(2));
        let e = Vocabulary::parse("frob a = b")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains("第1行") && e.contains("who") && e.contains("away"),
            "{e}"
        );
        assert!(Vocabulary::parse("goto a =").is_err());
    }

    #[test]
    fn tokenising_keeps_words_and_drops_punctuation() {
        let t = Tokenizer::default();
        let w = t.words("我想开个饭店，要办什么证？");
        assert!(w.contains(&"饭店".to_owned()), "{w:?}");
        assert!(w.iter().all(|w| !w.contains('，') && !w.contains('？')));
    }

    #[test]
    fn everyday_words_and_synonyms_find_the_item() {
        let (t, g) = small();
        let a = g.ask(&t, "我想开个饭店");
        assert!(!a.none);
        assert_eq!(a.answers[0].code, "SCJG-XK-001");
        let a = g.ask(&t, "开个饭馆");
        assert_eq!(a.answers.first().map(|h| h.code.as_str()), Some("SCJG-XK-001"));
    }

    #[test]
    fn a_phrase_points_at_its_bundle() {
        let (t, g) = small();
        let a = g.ask(&t, "生孩子");
        assert_eq!(a.answers.first().map(|h| h.code.as_str()), Some("YJS-001"));
        assert_eq!(a.answers[0].kind, GuideKind::Bundle);
    }

    #[test]
    fn an_admin_phrase_changes_the_answer() {
        let t = Tokenizer::default();
        let docs = [
            doc("SCJG-XK-001", GuideKind::Item, "食品经营许可", &["开饭店"]),
            doc("GA-QR-004", GuideKind::Item, "出生登记", &["小孩上户口"]),
        ];
        let mut v = Vocabulary::parse("stop 怎么 办").unwrap_or_default();
        assert!(Guide::build(&t, &docs, v.clone()).ask(&t, "落地户").none);
        v.add_phrase("落地户", "GA-QR-004");
        let a = Guide::build(&t, &docs, v).ask(&t, "落地户怎么办");
        assert_eq!(a.answers.first().map(|h| h.code.as_str()), Some("GA-QR-004"));
    }

    #[test]
    fn nothing_fits_when_the_words_are_not_the_halls() {
        let (t, g) = small();
        for q in ["今天天气怎么样", "asdfghjkl", "？？？", "讲个笑话", ""] {
            let a = g.ask(&t, q);
            assert!(a.none, "{q}: {a:?}");
            assert!(a.answers.is_empty());
        }
        // One hall word in a question about something else is not enough.
        let a = g.ask(&t, "饭店附近哪里停车方便又便宜");
        assert!(a.none, "{a:?}");
    }

    #[test]
    fn family_time_and_count_words_do_not_count_against_a_question() {
        let t = Tokenizer::default();
        let docs = [
            doc("GA-QR-001", GuideKind::Item, "居民身份证换领", &["换身份证"]),
            doc("MZ-QR-001", GuideKind::Item, "内地居民结婚登记", &["领结婚证"]),
            doc("SW-GG-002", GuideKind::Item, "发票领用", &["领发票"]),
            doc("LY-XK-001", GuideKind::Item, "林木采伐许可证核发", &["砍树"]),
        ];
        let plain = Vocabulary::parse("stop 怎么 办 要 了 想 的 跟").unwrap_or_default();
        let q = "俺奶奶跟俺闺女跟俺孙子的居民身份证换领";
        let a = Guide::build(&t, &docs, plain).ask(&t, q);
        assert!(a.none, "{a:?}");
        let filler = Vocabulary::parse("stop 怎么 办 要 了 想 的 跟 俺 奶奶 闺女 孙子").unwrap_or_default();
        let a = Guide::build(&t, &docs, filler).ask(&t, q);
        assert_eq!(
            a.answers.first().map(|h| h.code.as_str()),
            Some("GA-QR-001"),
            "{a:?}"
        );
    }

    #[test]
    fn an_off_word_means_nothing_fits_unless_it_lies_inside_a_hall_phrase() {
        let docs = [
            doc(
                "GA-QR-003",
                GuideKind::Item,
                "临时居民身份证申领",
                &["坐飞机没身份证"],
            ),
            doc("SCJG-XK-001", GuideKind::Item, "食品经营许可", &["开饭店"]),
        ];
        let v = "stop 怎么 办 要 了 想 吗 明天 的\nsyn 坐飞机 = 临时居民身份证\nsyn 饭店 = 食品经营\noff 飞机 好吃 贵\n";
        let (t, g) = guide_of(&docs, v);
        assert!(!g.ask(&t, "我想开饭店").none);
        assert!(g.ask(&t, "开饭店哪家菜好吃").none);
        assert!(g.ask(&t, "飞机上的饭店").none);
        let a = g.ask(&t, "明天坐飞机身份证找不到了");
        assert_eq!(
            a.answers.first().map(|h| h.code.as_str()),
            Some("GA-QR-003"),
            "{a:?}"
        );
        // A one-character off word counts only at the end of the question.
        assert!(g.ask(&t, "饭店怎么这么贵").none);
        assert!(!g.ask(&t, "开饭店贵不贵要办什么证").none);
    }

    #[test]
    fn a_one_character_word_after_what_was_agreed_is_its_result() {
        let docs = [doc(
            "MZ-QR-002",
            GuideKind::Item,
            "内地居民离婚登记",
            &["协议离婚"],
        )];
        let v = "stop 都 了 去 哪里 办 的 事 谈 商量 哪个\ngoto 分开 = MZ-QR-002\noff 好\n";
        let (t, g) = guide_of(&docs, v);
        // 谈好, 说好, 商量好: what was agreed, not a judgement (哪个好).
        assert!(!g.ask(&t, "分开的事都谈好了 去哪里办").none);
        assert!(!g.ask(&t, "分开的事都商量好了").none);
        assert!(g.ask(&t, "分开哪个好").none);
        // 能好, 就好: when the matter is done.
        assert!(!g.ask(&t, "分开的事多久能好").none);
    }

    #[test]
    fn who_the_asker_is_counts_little() {
        let docs = [
            doc("RS-JF-003", GuideKind::Item, "职工退休申请", &["退休"]),
            doc("RS-JF-006", GuideKind::Item, "丧葬补助金领取", &["丧葬费"]),
        ];
        let without = "stop 我 妈 是 了 去 哪 领 的\nsyn 过世 = 丧葬 补助金\n";
        let with = format!("{without}who 退休教师\n");
        let q = "我妈是退休教师 过世了 去哪领";
        let first = |g: &Guide, t: &Tokenizer, q: &str| g.ask(t, q).answers.first().map(|h| h.code.clone());
        let (t, g) = guide_of(&docs, without);
        assert_eq!(first(&g, &t, q).as_deref(), Some("RS-JF-003"));
        let (t, g) = guide_of(&docs, &with);
        assert_eq!(first(&g, &t, q).as_deref(), Some("RS-JF-006"));
        // Asked about itself, retirement is still found.
        assert_eq!(first(&g, &t, "想办退休").as_deref(), Some("RS-JF-003"));
    }

    #[test]
    fn a_paper_asked_about_as_material_is_the_matters() {
        let docs = [
            doc("WJ-XK-003", GuideKind::Item, "医师执业注册", &["医师注册"]),
            doc("GA-QR-002", GuideKind::Item, "居民身份证补领", &["补身份证"]),
        ];
        let v = "stop 要 吗 去 的 县\noff 体检报告 体检 医院 银行卡\n";
        let (t, g) = guide_of(&docs, v);
        assert!(!g.ask(&t, "医师注册 体检报告要不要").none);
        assert!(!g.ask(&t, "医师注册要带体检报告吗").none);
        // The everyday matter itself, or a paper not asked about as material, is not the hall's.
        assert!(g.ask(&t, "医院体检要带身份证吗").none);
        assert!(g.ask(&t, "体检报告要不要钱 医师注册").none);
        assert!(g.ask(&t, "银行卡丢了 补身份证").none);
    }

    #[test]
    fn asked_for_all_at_once_the_bundle_comes_first() {
        let docs = [
            doc("BDC-QR-002", GuideKind::Item, "二手房转移登记", &["房子过户"]),
            doc(
                "YJS-006",
                GuideKind::Bundle,
                "二手房转移登记及水电气联动过户一件事",
                &[],
            ),
        ];
        let v = "stop 吗 能 了 我 的 都 要\nsyn 房本 = 不动产 过户 转移\n";
        let (t, g) = guide_of(&docs, v);
        let first = |q: &str| g.ask(&t, q).answers.first().map(|h| h.code.clone());
        assert_eq!(first("房子过户").as_deref(), Some("BDC-QR-002"));
        assert_eq!(first("房子过户 水电 能一趟办完吗").as_deref(), Some("YJS-006"));
    }

    #[test]
    fn where_something_happened_is_not_the_matter() {
        let docs = [doc("GA-QR-002", GuideKind::Item, "居民身份证补领", &["补身份证"])];
        let v = "stop 了 的 也 怎么 被 在 里面\nsyn 被偷 = 补领\noff 公交 出租车 火车票\n";
        let (t, g) = guide_of(&docs, v);
        assert!(!g.ask(&t, "在公交车上被偷了 身份证也没了 补身份证").none);
        assert!(!g.ask(&t, "身份证落在出租车里了 补身份证").none);
        // The everyday matter itself is another office's.
        assert!(g.ask(&t, "公交几点有车 补身份证").none);
        assert!(g.ask(&t, "补身份证 火车票怎么退").none);
    }

    #[test]
    fn a_long_story_is_answered_by_its_clause_in_hall_words() {
        let docs = [
            doc("SCJG-XK-001", GuideKind::Item, "食品经营许可", &[]),
            doc("GA-QR-002", GuideKind::Item, "居民身份证补领", &[]),
            doc("MZ-QR-001", GuideKind::Item, "内地居民结婚登记", &[]),
        ];
        let v = "stop 怎么 办 的 了\noff 吃饭\n";
        let (t, g) = guide_of(&docs, v);
        // Eight characters of background, six of the hall's in the clause that asks.
        let a = g.ask(&t, "蓝天白云大海高山，食品经营许可怎么办");
        assert!(!a.none, "{a:?}");
        // Too little of the whole question is the hall's, or the asking clause is not.
        println!(
            "{:?}",
            g.content_words(&t, "蓝天白云大海高山流水春夏秋冬日月星辰，食品经营许可怎么办")
        );
        let a = g.ask(&t, "蓝天白云大海高山流水春夏秋冬日月星辰，食品经营许可怎么办");
        assert_eq!(a.why, Some(NothingFits::FewHallWords), "{a:?}");
        let a = g.ask(&t, "食品经营许可 蓝天白云大海高山流水春夏秋冬日月星辰");
        assert_eq!(a.why, Some(NothingFits::FewHallWords), "{a:?}");
        // Why nothing fits is told.
        let a = g.ask(&t, "食品经营许可 在哪吃饭");
        assert_eq!(
            a.why,
            Some(NothingFits::Everyday {
                word: "吃饭".to_owned()
            })
        );
        assert_eq!(
            a.why.map(|w| w.label()).as_deref(),
            Some("含其他部门或日常事务用语“吃饭”")
        );
        assert_eq!(g.ask(&t, "食品经营许可怎么办").why, None);
    }

    #[test]
    fn when_a_matter_is_done_is_the_matters_question() {
        let docs = [doc(
            "NY-GG-001",
            GuideKind::Item,
            "农机购置补贴申请",
            &["农机补贴"],
        )];
        let v = "stop 了 的 怎么 能 吗 钱 买 台 那个
off 到账 好 周末 婚假
";
        let (t, g) = guide_of(&docs, v);
        assert!(!g.ask(&t, "农机补贴怎么申请 钱多久能到账").none);
        assert!(!g.ask(&t, "农机补贴 几天好").none);
        assert!(!g.ask(&t, "农机补贴周末能办吗").none);
        // The everyday matter itself, even with a day or a wait in it, is another office's.
        assert!(g.ask(&t, "工资到账 农机补贴").none);
        assert!(g.ask(&t, "周末去哪 农机补贴").none);
        assert!(g.ask(&t, "农机补贴 婚假能请几天").none);
    }

    #[test]
    fn another_places_matter_is_that_places_halls() {
        let mut social = doc("RS-GG-002", GuideKind::Item, "社会保障卡申领", &["办社保卡"]);
        social.department = "东海县人力资源和社会保障局".to_owned();
        let docs = [
            doc("GJJ-JF-001", GuideKind::Item, "住房公积金提取", &["取公积金"]),
            doc("YB-GG-002", GuideKind::Item, "异地就医备案", &["医保备案"]),
            doc("BDC-QR-002", GuideKind::Item, "二手房转移登记", &["房子过户"]),
            social,
        ];
        let v = "stop 想 要 个 怎么 吗 在 我 是 了 打工 回来 辞职 去 住院 这边 户口 他 俺 来\naway 苏州 上海 东海 新沂\n";
        let (t, g) = guide_of(&docs, v);
        assert!(g.ask(&t, "苏州的公积金怎么提取").none);
        assert!(g.ask(&t, "新沂那边的社保卡怎么办").none);
        // Where the asker worked or is treated, or comes from, is not the matter's place.
        assert!(!g.ask(&t, "在苏州打工回来了 公积金怎么提取").none);
        assert!(!g.ask(&t, "上海的公司辞职回来了 公积金怎么提取").none);
        assert!(!g.ask(&t, "去上海的医院住院 医保备案").none);
        assert!(!g.ask(&t, "去上海的大医院住院 医保备案").none);
        assert!(!g.ask(&t, "我是新沂的，在这边办社保卡").none);
        // A place the catalog names is the hall's own (东海县人力资源和社会保障局).
        assert!(!g.ask(&t, "东海的社保卡怎么办").none);
        // Another place named as where the matter is, with nothing bringing it here.
        assert!(g.ask(&t, "户口在新沂市 想办社保卡").none);
        assert!(g.ask(&t, "苏州交的公积金怎么提取").none);
        // Where the asker comes from, or the hall's own place beside the other, is no matter's place.
        assert!(!g.ask(&t, "俺是新沂来的 想办社保卡").none);
        assert!(!g.ask(&t, "我户口在东海他户口在新沂 社保卡怎么办").none);
        assert!(!g.ask(&t, "苏州交的公积金 转回来了 怎么提取").none);
        // A house there is that place's, even asked to be done here.
        assert!(g.ask(&t, "新沂那套房子过户 能在东海办吗").none);
        assert!(!g.ask(&t, "东海的房子过户").none);
        assert!(!g.ask(&t, "俺是新沂来的 在东海买的房子过户").none);
        // Done there (办的, 交了, 注册在…) is that place's, even asked to be done here…
        assert!(g.ask(&t, "在新沂办的社保卡 能在东海这边办吗").none);
        assert!(g.ask(&t, "公积金交在苏州 在这边提取").none);
        // …unless it is brought here (苏州交的公积金 转回来了, above); an office may lie between.
        assert!(g.ask(&t, "在新沂社保中心办的社保卡 能在东海这边办吗").none);
        // Asked where there.
        assert!(g.ask(&t, "新沂哪里办社保卡 俺在东海").none);
        // Where a trip goes is no matter's place.
        assert!(!g.ask(&t, "要飞上海 办社保卡").none);
        // Asked to be done there (在苏州提取, 新沂那边能办吗), unless here is named after it.
        assert!(g.ask(&t, "在苏州交了公积金 想在苏州那边提取").none);
        assert!(g.ask(&t, "社保卡新沂那边能办吗").none);
        assert!(!g.ask(&t, "户口一个在新沂一个在东海 社保卡能在这边办吗").none);
        // Brought here: the place's own (苏州的) matter too; moved on to another place is not brought.
        let a = g.ask(&t, "苏州的公积金 转回来了 怎么提取");
        assert!(!a.none, "{a:?}");
        assert!(g.ask(&t, "苏州的公积金 转到上海 怎么提取").none);
        // Done here: a house bought elsewhere is the reason, not the matter.
        assert!(!g.ask(&t, "在东海交的公积金 在苏州买了房子 怎么提取").none);
        // People from another place, or moved here from it, are no matter's place.
        assert!(!g.ask(&t, "新沂的工人 办社保卡").none);
        assert!(!g.ask(&t, "从新沂搬过来了 办社保卡").none);
        // Taken there (迁到, 落到): the place it goes to does it, even with 到 before it.
        assert!(g.ask(&t, "我在东海 社保卡落到新沂去").none);
    }

    #[test]
    fn a_business_asked_about_as_a_customer_is_not_the_halls() {
        let docs = [
            doc("WJ-XK-001", GuideKind::Item, "公共场所卫生许可", &["开理发店"]),
            doc(
                "WL-XK-002",
                GuideKind::Item,
                "互联网上网服务营业场所经营许可",
                &["开网吧"],
            ),
            doc("GA-XK-002", GuideKind::Item, "普通护照签发", &["办护照"]),
        ];
        let v = "stop 想 要 个 怎么 吗 的 在 小区\nbiz 理发店 网吧 多少钱\nact 开 办 交 许可\n";
        let (t, g) = guide_of(&docs, v);
        assert!(!g.ask(&t, "想在小区开个理发店").none);
        assert!(!g.ask(&t, "网吧要什么许可").none);
        assert!(g.ask(&t, "网吧包夜多少钱").none);
        assert!(g.ask(&t, "小区的理发店").none);
        // A price with an act is a fee: still the hall's.
        assert!(!g.ask(&t, "办护照要交多少钱").none);
    }

    #[test]
    fn a_set_phrase_matches_with_a_measure_word_inside() {
        let t = Tokenizer::default();
        let docs = [
            doc(
                "SCJG-QR-004",
                GuideKind::Item,
                "有限责任公司设立登记",
                &["注册公司"],
            ),
            doc("SCJG-QR-001", GuideKind::Item, "个体工商户设立登记", &["开网店"]),
        ];
        let g = Guide::build(
            &t,
            &docs,
            Vocabulary::parse("stop 想 要 怎么").unwrap_or_default(),
        );
        for (q, code) in [
            ("想注册个公司", "SCJG-QR-004"),
            ("想注册一个公司", "SCJG-QR-004"),
            ("想开家网店", "SCJG-QR-001"),
        ] {
            let a = g.ask(&t, q);
            assert_eq!(
                a.answers.first().map(|h| h.code.as_str()),
                Some(code),
                "{q}: {a:?}"
            );
        }
        assert_eq!(
            compact("开一家个体店"),
            ("开体店".to_owned(), vec![0, 1, 2, 12, 13, 14, 15, 16, 17])
        );
    }

    #[test]
    fn a_set_phrase_matches_without_a_particle_or_adverb_inside() {
        let docs = [
            doc("MZ-QR-002", GuideKind::Item, "内地居民离婚登记", &["协议离婚"]),
            doc("YJS-005", GuideKind::Bundle, "身后一件事", &[]),
        ];
        let v = "stop 想 要 怎么 办 家里 后面 哪些 手续\ngoto 离婚 = MZ-QR-002\ngoto 老人过世 = YJS-005\n";
        let (t, g) = guide_of(&docs, v);
        for (q, code) in [
            ("离了婚要办什么", "MZ-QR-002"),
            ("家里老人刚过世 后面要办哪些手续", "YJS-005"),
        ] {
            let a = g.ask(&t, q);
            assert_eq!(
                a.answers.first().map(|h| h.code.as_str()),
                Some(code),
                "{q}: {a:?}"
            );
        }
        assert_eq!(compact("老人刚刚过世了").0, "老人过世了");
        assert_eq!(compact("了解").0, "了解");
    }

    #[test]
    fn a_set_phrase_matches_with_de_inside() {
        let docs = [doc("GA-QR-007", GuideKind::Item, "居住证申领", &["居住证"])];
        let v = "stop 我 孩子 要 有个 的 上学
";
        let (t, g) = guide_of(&docs, v);
        let a = g.ask(&t, "孩子上学要我有个居住的证");
        assert_eq!(
            a.answers.first().map(|h| h.code.as_str()),
            Some("GA-QR-007"),
            "{a:?}"
        );
        assert_eq!(compact("居住的证").0, "居住证");
        // A 的 at the end, or before a pause, stays.
        assert_eq!(compact("我的，证").0, "我的，证");
    }

    #[test]
    fn a_misheard_word_is_read_as_the_word_meant() {
        let docs = [
            doc("MZ-JF-001", GuideKind::Item, "最低生活保障审核确认", &["低保"]),
            doc("GA-QR-002", GuideKind::Item, "居民身份证补领", &["身份证丢了"]),
        ];
        let v = "stop 那个 咋 申请 啊 叫 俺 了 补
fix 滴保 = 低保
fix 户口苯 户口笨 = 户口本
syn 丢了 = 补领
off 户口本丢
";
        let (t, g) = guide_of(&docs, v);
        let a = g.ask(&t, "那个滴保咋申请啊");
        assert_eq!(
            a.answers.first().map(|h| h.code.as_str()),
            Some("MZ-JF-001"),
            "{a:?}"
        );
        // The off words read the word meant too.
        assert!(g.ask(&t, "户口苯丢了咋补").none);
        assert!(g.ask(&t, "户口笨丢了").none);
        assert_eq!(g.vocabulary().fixed("户口苯"), "户口本");
        // A fix names one word meant.
        assert!(Vocabulary::parse("fix 滴保 = 低保 最低").is_err());
        assert!(Vocabulary::parse("fix = 低保").is_err());
        assert!(Vocabulary::parse("fix 滴保").is_err());
    }

    #[test]
    fn an_everyday_matter_a_quarrel_is_about_is_mediated() {
        let docs = [doc(
            "SF-GG-003",
            GuideKind::Item,
            "人民调解申请",
            &["邻里纠纷", "调解矛盾"],
        )];
        let v = "stop 能 找 吗 了 人 去 楼上 又 法院 想\nsyn 调解 = 人民调解 邻里纠纷\noff 漏水\n";
        let (t, g) = guide_of(&docs, v);
        let a = g.ask(&t, "楼上漏水 能找人调解吗");
        assert_eq!(
            a.answers.first().map(|h| h.code.as_str()),
            Some("SF-GG-003"),
            "{a:?}"
        );
        // Mediation asked for before the quarrel is told.
        assert!(!g.ask(&t, "想找人调解 楼上漏水").none);
        // Mediation done before it, or a court's, leaves the leak another matter.
        assert!(g.ask(&t, "调解了 楼上又漏水").none);
        assert!(g.ask(&t, "楼上漏水 去法院调解").none);
    }

    #[test]
    fn an_off_word_a_hall_proof_is_needed_for_is_its_purpose() {
        let docs = [doc(
            "SW-GG-004",
            GuideKind::Item,
            "个人所得税纳税记录开具",
            &["个税证明"],
        )];
        let v = "stop 办 要 什么 的 交 开个 吗
syn 个人所得税 = 个人所得税纳税记录
off 签证
";
        let (t, g) = guide_of(&docs, v);
        let a = g.ask(&t, "办签证要交个人所得税的证明");
        assert_eq!(
            a.answers.first().map(|h| h.code.as_str()),
            Some("SW-GG-004"),
            "{a:?}"
        );
        // A record or a slip is a proof too.
        assert!(!g.ask(&t, "办签证要交个人所得税的记录").none);
        assert!(!g.ask(&t, "办签证要一份个人所得税的单子").none);
        // Without a hall phrase after 要, or without a proof asked for, the visa is the matter.
        assert!(g.ask(&t, "办签证要什么证明").none);
        assert!(g.ask(&t, "办签证要交个人所得税吗").none);
        // A pause ends the clause.
        assert!(g.ask(&t, "办签证，要个人所得税的证明吗").none);
    }

    #[test]
    fn a_set_phrase_matches_without_a_count_inside() {
        let docs = [
            doc(
                "NY-XK-003",
                GuideKind::Item,
                "动物防疫条件合格证核发",
                &["养猪场"],
            ),
            doc("GA-QR-008", GuideKind::Item, "机动车注册登记", &["新车上牌"]),
        ];
        let v = "stop 想 要 怎么 什么 办 了\nsyn 养猪 = 动物防疫\n";
        let (t, g) = guide_of(&docs, v);
        let a = g.ask(&t, "想养几百头猪要办什么证");
        assert_eq!(
            a.answers.first().map(|h| h.code.as_str()),
            Some("NY-XK-003"),
            "{a:?}"
        );
        assert_eq!(compact("买了两台收割机").0, "买收割机");
        assert_eq!(compact("养3头猪").0, "养猪");
        // A numeral without a measure word stays (六十岁, 三级).
        assert_eq!(compact("满六十岁").0, "满六十岁");
    }

    #[test]
    fn what_a_business_being_opened_does_is_that_business() {
        let docs = [
            doc(
                "SCJG-QR-001",
                GuideKind::Item,
                "个体工商户设立登记",
                &["开个小店"],
            ),
            doc("WL-XK-001", GuideKind::Item, "娱乐场所经营许可", &["歌厅"]),
        ];
        let v = "stop 想 要 个 怎么 什么 办 的 有没有 附近 去\nsyn 铺子 执照 = 个体工商户\noff 唱歌\n";
        let (t, g) = guide_of(&docs, v);
        let first = |q: &str| g.ask(&t, q).answers.first().map(|h| h.code.clone());
        // The words between 开 and 的 + a business's name say what it does.
        assert_eq!(
            first("想开个修鞋配钥匙的小铺子执照怎么办"),
            Some("SCJG-QR-001".to_owned())
        );
        assert_eq!(first("想开个唱歌的歌厅"), Some("WL-XK-001".to_owned()));
        // Without a business being opened they are another matter.
        assert!(g.ask(&t, "附近有没有修鞋配钥匙的").none);
        assert!(g.ask(&t, "去歌厅唱歌").none);
        let q = "想开个修鞋配钥匙的小铺子";
        let found: Vec<&str> = business_descriptions(q).into_iter().map(|r| &q[r]).collect();
        assert_eq!(found, ["修鞋配钥匙"]);
        // A shopfront (门面, 门市) is a business's name too.
        let q = "开个修电瓶车的门面";
        let found: Vec<&str> = business_descriptions(q).into_iter().map(|r| &q[r]).collect();
        assert_eq!(found, ["修电瓶车"]);
        assert!(business_descriptions("开的店要注销").is_empty());
        assert!(business_descriptions("开发票的时候").is_empty());
    }

    #[test]
    fn what_the_asker_puts_aside_counts_little() {
        let docs = licence_and_food();
        let v = "stop 想 要 个 怎么 什么 办 的 还 还要\nsyn 营业执照 = 营业执照 个体工商户\nsyn 卤菜 = 食品经营\n";
        let (t, g) = guide_of(&docs, v);
        let first = |q: &str| g.ask(&t, q).answers.first().map(|h| h.code.clone());
        assert_eq!(first("卖卤菜要办营业执照吗"), Some("SCJG-QR-001".to_owned()));
        assert_eq!(
            first("卖卤菜除了营业执照还要办什么证"),
            Some("SCJG-XK-001".to_owned())
        );
        let q = "除了营业执照还要办什么证";
        assert_eq!(
            aside(q).iter().map(|r| &q[r.clone()]).collect::<Vec<_>>(),
            ["营业执照"]
        );
        let q = "除了身份证以外要带什么";
        assert_eq!(
            aside(q).iter().map(|r| &q[r.clone()]).collect::<Vec<_>>(),
            ["身份证"]
        );
        assert!(aside("营业执照要办什么").is_empty());
    }

    #[test]
    fn what_the_asker_already_has_counts_little() {
        let docs = licence_and_food();
        let v = "stop 想 要 个 怎么 什么 办 的 还 还要 那个 差\nsyn 营业执照 执照 = 营业执照 个体工商户\nsyn 卤菜 食品 = 食品经营\n";
        let (t, g) = guide_of(&docs, v);
        let first = |q: &str| g.ask(&t, q).answers.first().map(|h| h.code.clone());
        assert_eq!(first("卖卤菜的店要办营业执照吗"), Some("SCJG-QR-001".to_owned()));
        assert_eq!(
            first("卖卤菜的店 营业执照有了 还差食品那个证"),
            Some("SCJG-XK-001".to_owned())
        );
        let had = |q: &str| {
            already_had(q)
                .into_iter()
                .map(|r| q[r].to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(had("营业执照有了 还差什么"), ["营业执照"]);
        assert_eq!(had("残疾证已经办了是一级的"), ["残疾证"]);
        assert_eq!(had("个体户刚办好执照 头一回领发票"), ["执照"]);
        // Something lost is not something had; 有了 inside a clause is not the end of it.
        assert!(had("户口本没有了").is_empty());
        assert!(had("有了孩子要办什么").is_empty());
    }

    #[test]
    fn two_stop_words_glued_into_one_word_are_filler() {
        let docs = [
            doc(
                "JY-XK-001",
                GuideKind::Item,
                "民办学校（培训机构）设立",
                &["开培训班"],
            ),
            doc("GA-QR-004", GuideKind::Item, "出生登记", &["小孩上户口"]),
            doc("SCJG-XK-001", GuideKind::Item, "食品经营许可", &["开饭店"]),
        ];
        let v = "stop 想 办 个 少儿 英语\nsyn 辅导班 = 培训机构\n";
        let (t, g) = guide_of(&docs, v);
        assert_eq!(g.core("少儿英语"), "");
        assert_eq!(g.core("英语辅导"), "英语辅导");
        let a = g.ask(&t, "想办个少儿英语辅导班");
        assert_eq!(
            a.answers.first().map(|h| h.code.as_str()),
            Some("JY-XK-001"),
            "{a:?}"
        );
    }

    #[test]
    fn off_words_are_read_and_listed() {
        let v = Vocabulary::parse("off 天气 好吃\noff 贵").unwrap_or_default();
        assert_eq!(v.off_words(), ["天气", "好吃", "贵"]);
    }

    #[test]
    fn a_code_typed_in_full_is_that_item() {
        let (t, g) = small();
        let a = g.ask(&t, "ga-qr-004");
        assert_eq!(a.answers.first().map(|h| h.code.as_str()), Some("GA-QR-004"));
    }

    #[test]
    fn full_width_text_is_made_half_width() {
        assert_eq!(normalize(" ＫＴＶ１２ "), "ktv12");
    }

    #[test]
    fn traditional_characters_are_read_as_simplified() {
        assert_eq!(normalize("身份證掉了要怎麼補辦"), "身份证掉了要怎么补办");
        assert_eq!(normalize("戶口註銷"), "户口注销");
        let (t, g) = small();
        let first = |q: &str| g.ask(&t, q).answers.first().map(|a| a.code.clone());
        assert_eq!(first("我想換身份證"), Some("GA-QR-001".to_owned()));
        assert_eq!(first("我想換身份證"), first("我想换身份证"));
    }

    #[test]
    fn the_log_keeps_no_digits_or_id_numbers() {
        assert_eq!(redact_question("我的电话13812345678怎么办"), "我的电话怎么办");
        assert_eq!(redact_question("身份证11010519491231002X丢了"), "身份证丢了");
        assert_eq!(redact_question("案件 GH2026-0001 到哪了"), "案件 到哪了");
        assert_eq!(redact_question("第１２３号"), "第号");
        let long = "字".repeat(200);
        assert_eq!(redact_question(&long).chars().count(), MAX_LOGGED_CHARS);
    }

    #[test]
    fn an_admin_phrase_is_checked() {
        assert_eq!(check_phrase(" 落地户 "), Ok("落地户".to_owned()));
        assert!(check_phrase("落").is_err());
        assert!(check_phrase("电话123").is_err());
        assert!(check_phrase(&"字".repeat(21)).is_err());
        assert!(check_phrase("a=b").is_err());
    }

    #[test]
    fn the_automaton_finds_what_a_scan_per_phrase_finds() {
        let phrases: Vec<String> = ["哈哈", "身份证", "身份", "证", "办证", "补办身份证", "证补"]
            .iter()
            .map(|p| p.to_string())
            .collect();
        let automaton = PhraseFinder::new(phrases.clone());
        let scan = PhraseFinder {
            phrases,
            automaton: None,
        };
        assert!(automaton.automaton.is_some());
        for text in [
            "哈哈哈哈哈",
            "身份证丢了补办身份证",
            "证证证补办证",
            "",
            "没有要找的",
        ] {
            let mut a = automaton.find(text);
            let mut b = scan.find(text);
            a.sort_by_key(|(p, r)| (*p, r.start));
            b.sort_by_key(|(p, r)| (*p, r.start));
            assert_eq!(a, b, "{text}");
        }
        assert_eq!(automaton.find("哈哈哈哈哈").len(), 2);
    }

    #[test]
    fn kinds_round_trip() {
        for k in [GuideKind::Item, GuideKind::Bundle] {
            assert_eq!(GuideKind::parse(k.code()), Some(k));
            assert!(!k.label().is_empty());
        }
        assert_eq!(GuideKind::parse("x"), None);
    }
}
