//! Tests of the identifier recognizers (`super`).

use super::super::testing::{found, texts};
use super::*;

#[test]
fn passport_nhi_and_plates_need_their_shape() {
    assert_eq!(
        texts("護照號碼 318204576 周美玲", EntityKind::Passport),
        vec!["318204576"]
    );
    assert_eq!(
        texts("護照號碼 3 1 8 2 0 4 5 7 6 那位", EntityKind::Passport),
        vec!["3 1 8 2 0 4 5 7 6"]
    );
    assert!(texts("訂單 318204576", EntityKind::Passport).is_empty());
    // Read out in threes.
    assert_eq!(
        found(
            "護照號碼我三碼一組唸：三一二、四五八、九零七",
            EntityKind::Passport
        )[0]
        .1,
        Some("312458907".to_string())
    );
    assert_eq!(
        texts(
            "Passport no. 3 1 5 / 0 2 8 / 7 7 4, holder",
            EntityKind::Passport
        ),
        vec!["3 1 5 / 0 2 8 / 7 7 4"]
    );
    assert_eq!(
        texts(
            "看護Sari的護照號碼C8835172，仲介要影本",
            EntityKind::Passport
        ),
        vec!["C8835172"]
    );
    assert_eq!(
        texts("passport: P2946185A (Philippines)", EntityKind::Passport),
        vec!["P2946185A"]
    );
    assert!(texts("護照申請表 A12345", EntityKind::Passport).is_empty());
    assert_eq!(
        texts("paspor C 9127463 atas nama DEWI", EntityKind::Passport),
        vec!["C 9127463"]
    );
    assert_eq!(
        texts("鍾佩珊 passport 312845076 效期", EntityKind::Passport),
        vec!["312845076"]
    );
    // An English label reaches across its sentence.
    assert_eq!(
        texts(
            "NHI card no. for the fisherman admitted last night (Hendra S.) is 0000 3817 2264",
            EntityKind::NhiCard
        ),
        vec!["0000 3817 2264"]
    );
    assert_eq!(
        texts(
            "passport no. of the caregiver for the permit: Jocelyn M. Bautista, P4728153B",
            EntityKind::Passport
        ),
        vec!["P4728153B"]
    );
    // An English word before a number is no plate; a dash makes one.
    assert!(texts("the 1955 complainant", EntityKind::Plate).is_empty());
    assert!(texts("paid NTD 3500 today", EntityKind::Plate).is_empty());
    assert!(texts("có thể 申訴 qua 1955", EntityKind::Plate).is_empty());
    assert!(texts("補打MMR 1981年以後出生的", EntityKind::Plate).is_empty());
    assert_eq!(
        texts("車牌ABC 5678年檢到期", EntityKind::Plate),
        ["ABC 5678"]
    );
    assert_eq!(
        texts("那台MMR-1981年底買的", EntityKind::Plate),
        ["MMR-1981"]
    );
    assert_eq!(texts("車牌 SAT-2758", EntityKind::Plate), vec!["SAT-2758"]);
    // An older scooter's three and three, a micro electric scooter's
    // two and five; only dashed, and never part of a longer code.
    assert_eq!(
        texts("機車騎士車牌 ERT-583，", EntityKind::Plate),
        vec!["ERT-583"]
    );
    assert_eq!(
        texts("微電車 KX-20817 停", EntityKind::Plate),
        vec!["KX-20817"]
    );
    assert!(texts("ERT 583 台", EntityKind::Plate).is_empty());
    assert!(texts("型號 ERT-5831-B", EntityKind::Plate).is_empty());
    for code in [
        "車牌 ERT-583-B",
        "車牌 ERT-583A",
        "車號 AB-123456",
        "車號 XAB-12345",
    ] {
        assert!(texts(code, EntityKind::Plate).is_empty(), "{code}");
    }
    // With no vehicle word before them the shapes are codes.
    for code in [
        "表單 HR-00123 請假單",
        "依 SOP-001 辦理",
        "型號 GTX-970",
        "工單 OPS-123",
    ] {
        assert!(texts(code, EntityKind::Plate).is_empty(), "{code}");
    }
    // A word's last letters before a plate are not its letters.
    assert_eq!(
        texts("plate 8891-RT, 17:42", EntityKind::Plate),
        vec!["8891-RT"]
    );
    // Spelled letters, then the digits after a space.
    assert_eq!(
        texts("車牌 M-F-T 2816 又停", EntityKind::Plate),
        vec!["M-F-T 2816"]
    );
    // Rows under a header that names passports, one after another.
    assert_eq!(
        texts(
            "出國團員的護照號碼，旅行社要，我先列兩位\n廖振邦 358172604\n賴怡君 314608297",
            EntityKind::Passport
        ),
        vec!["358172604", "314608297"]
    );
    // A run of numbers the label follows.
    assert_eq!(
        texts(
            "名單：李佩珊 318564207、郭振宇 352107846，護照效期都超過六個月",
            EntityKind::Passport
        ),
        vec!["318564207", "352107846"]
    );
    // A header two lines up, or one that names no passport, is none.
    assert!(texts(
        "護照號碼的事改天再說，先請大家核對這批訂單再回覆給我\n\n訂單 318204576",
        EntityKind::Passport
    )
    .is_empty());
    assert!(texts("訂單編號\n王小明 318204576", EntityKind::Passport).is_empty());
    assert_eq!(
        texts("健保卡號 0000 3318 2046，", EntityKind::NhiCard),
        vec!["0000 3318 2046"]
    );
    assert_eq!(
        texts("健保卡號\n0000\n3318\n2046\n是他的", EntityKind::NhiCard),
        vec!["0000\n3318\n2046"]
    );
    // Its own label, when 健保 is mistyped or left out.
    assert_eq!(
        texts("健寶卡卡號 0000 3318 2046", EntityKind::NhiCard),
        vec!["0000 3318 2046"]
    );
    assert_eq!(
        texts("NHI card number 0000 3318 2046", EntityKind::NhiCard),
        vec!["0000 3318 2046"]
    );
    assert!(texts("訂單 0000 3318 2046", EntityKind::NhiCard).is_empty());
    assert_eq!(
        texts("健保卡下面那串：0000／7319／2058", EntityKind::NhiCard),
        vec!["0000／7319／2058"]
    );
    assert_eq!(
        texts("戶照號碼是318204576", EntityKind::Passport),
        vec!["318204576"]
    );
    // An account number after its label, a bank's name or its code;
    // not a mobile number, not digits with nothing to say what they are.
    for (text, want) in [
        ("匯款帳號：台銀(004) 0520-0123-9587 戶名", "0520-0123-9587"),
        ("郵局 700 0001 2345 678，", "700 0001 2345 678"),
        ("(812) 28881000123456 請匯入", "28881000123456"),
        ("account: 0123456789012", "0123456789012"),
        ("蔡子涵 郵局 700-0021234-0567890", "700-0021234-0567890"),
        (
            "郵局帳號 局號0061283 帳號0457219 打錯",
            "0061283 帳號0457219",
        ),
    ] {
        assert_eq!(texts(text, EntityKind::BankAccount), vec![want], "{text}");
    }
    assert!(texts("匯款後請回報手機 0912-345-678", EntityKind::BankAccount).is_empty());
    assert!(texts("訂單編號 0520012395871", EntityKind::BankAccount).is_empty());
    assert_eq!(
        texts("停車名單：RDK-6158 李建國", EntityKind::Plate),
        vec!["RDK-6158"]
    );
    // Spaced out letter by letter around its dash.
    assert_eq!(
        texts("K L G - 5 5 7 3 白色Altis", EntityKind::Plate),
        vec!["K L G - 5 5 7 3"]
    );
    assert_eq!(
        texts("車號AB-1234的公務車", EntityKind::Plate),
        vec!["AB-1234"]
    );
    // Written with a space, as on the plate itself.
    assert_eq!(
        texts("那台ABQ 3015紅色March", EntityKind::Plate),
        vec!["ABQ 3015"]
    );
    // An older scooter's plate, digits first.
    assert_eq!(
        texts("機車車牌 582-MQK 停在門口", EntityKind::Plate),
        vec!["582-MQK"]
    );
    // Spelled one letter at a time, digits read out.
    assert_eq!(
        found("車號我唸一次：B、A、K，拐五八兩，駕駛", EntityKind::Plate)[0].1,
        Some("BAK7582".to_string())
    );
    assert!(texts("方案A、B、C，各100", EntityKind::Plate).is_empty());
    assert!(texts("ABC-1234", EntityKind::Plate).is_empty());
    assert!(texts("ABI-1235", EntityKind::Plate).is_empty());
    // A dash-joined part of a longer code is no plate.
    assert!(texts("個案編號115-TB-0412", EntityKind::Plate).is_empty());
    assert!(texts("料號AB-1234-C", EntityKind::Plate).is_empty());
    assert_eq!(
        texts("車號 BKL-7352 白色", EntityKind::Plate),
        vec!["BKL-7352"]
    );
}

#[test]
fn medical_records_and_case_numbers() {
    assert_eq!(
        texts("病歷號 B0098765 住院", EntityKind::MedicalRecord).len(),
        1
    );
    assert!(!texts("case 2031 = 中山", EntityKind::CaseNumber).is_empty());
    for text in ["案379", "個案編號T-1152", "第12個確診者"] {
        assert!(!texts(text, EntityKind::CaseNumber).is_empty(), "{text}");
    }
}
