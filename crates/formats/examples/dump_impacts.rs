fn main() {
    let kit = territoires_formats::press_kit::parse(territoires_formats::press_kit::EMBEDDED, "x").unwrap();
    for p in &kit.projects {
        println!("## {} | lead: {}", p.slug, p.lead);
        for (i, s) in p.impacts_2030.iter().enumerate() {
            println!("{}. {:?}", i + 1, s);
        }
    }
}
